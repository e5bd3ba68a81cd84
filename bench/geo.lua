-- Geolocalizado scenario: every request comes through a "trusted proxy"
-- (run with --trusted-proxies 127.0.0.1/32) naming a client in Campinas of
-- the test GeoIP file (tests/integration/support/make_geoip.pl), so each
-- click walks the GeoIP tree and the regions (city match). nginx ignores it.
wrk.headers["X-Forwarded-For"] = "203.0.113.5"
