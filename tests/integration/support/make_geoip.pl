#!/usr/bin/perl
# Writes the tiny GeoIP file of the Geolocalizado integration tests, in the
# GeoLite2-City layout (country.iso_code, subdivisions[0].iso_code,
# city.names.en), with Debian's libmaxmind-db-writer-perl.
#   make_geoip.pl OUT.mmdb [v1|v2]
# v1: 203.0.113.0/28 BR-SP Campinas, 203.0.113.16/28 BR-SP São Paulo,
#     203.0.113.32/28 BR-RJ Rio de Janeiro, 198.51.100.0/24 PT (country only).
# v2: the same, but 198.51.100.0/24 is BR-SP Campinas (a reload test).
use strict;
use warnings;
use utf8;
use MaxMind::DB::Writer::Tree;

my ($out, $variant) = @ARGV;
die "usage: make_geoip.pl OUT.mmdb [v1|v2]\n" unless defined $out;
$variant //= 'v1';

my %types = (
  country => 'map', iso_code => 'utf8_string', subdivisions => ['array', 'map'],
  city => 'map', names => 'map', en => 'utf8_string',
);
my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version => 6,
  record_size => 24,
  database_type => 'Sequencial-Test-City',
  languages => ['en'],
  description => { en => 'Sequencial integration tests' },
  # The test networks are documentation ranges, which the writer drops by default.
  remove_reserved_networks => 0,
  map_key_type_callback => sub { $types{ $_[0] } },
);
sub city {
  my ($country, $subdivision, $name) = @_;
  return { country => { iso_code => $country }, subdivisions => [ { iso_code => $subdivision } ],
           city => { names => { en => $name } } };
}
$tree->insert_network('203.0.113.0/28', city('BR', 'SP', 'Campinas'));
$tree->insert_network('203.0.113.16/28', city('BR', 'SP', 'São Paulo'));
$tree->insert_network('203.0.113.32/28', city('BR', 'RJ', 'Rio de Janeiro'));
if ($variant eq 'v2') {
  $tree->insert_network('198.51.100.0/24', city('BR', 'SP', 'Campinas'));
} else {
  $tree->insert_network('198.51.100.0/24', { country => { iso_code => 'PT' } });
}
open my $fh, '>:raw', "$out.tmp" or die "cannot write $out.tmp: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot write $out.tmp: $!\n";
rename "$out.tmp", $out or die "cannot rename to $out: $!\n";
