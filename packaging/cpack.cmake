# The Debian package (scripts/package.sh runs `cpack -G DEB`): the binary in
# /usr/bin, the man page generated from --help (help2man), the systemd unit,
# /etc/sequencial/sequencial.toml as a conffile, the README, changelog,
# licence and reverse-proxy notes in /usr/share/doc/sequencial, and the
# maintainer scripts of packaging/debian/. Depends come from dpkg-shlibdeps.
include(GNUInstallDirs)
# `cpack` installs only what scripts/package.sh built, not every test target.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS sequencial RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT sequencial)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/sequencial.service
        DESTINATION lib/systemd/system COMPONENT sequencial)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/sequencial.toml
        DESTINATION /etc/sequencial COMPONENT sequencial)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CHANGELOG.md
              ${PROJECT_SOURCE_DIR}/docs/reverse-proxy.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT sequencial)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME copyright COMPONENT sequencial)

# The man page, from `sequencial --help` and `--version`.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(SQ_MAN ${CMAKE_CURRENT_BINARY_DIR}/sequencial.1)
  add_custom_command(
    OUTPUT ${SQ_MAN}.gz
    COMMAND ${HELP2MAN} --no-info --section=1 --name=${PROJECT_DESCRIPTION_SHORT}
            --output=${SQ_MAN} $<TARGET_FILE:sequencial>
    COMMAND gzip -9nf ${SQ_MAN}
    DEPENDS sequencial
    COMMENT "man page sequencial.1 from --help (help2man)"
    VERBATIM)
  add_custom_target(sequencial_man ALL DEPENDS ${SQ_MAN}.gz)
  install(FILES ${SQ_MAN}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT sequencial)
else()
  message(STATUS "help2man not found: the package will have no man page "
                 "(scripts/install-deps.sh --test installs it)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sequencial)
set(CPACK_PACKAGE_VENDOR "The Sequencial developers")
set(CPACK_PACKAGE_CONTACT "The Sequencial developers <sequencial@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION_SHORT}")
set(CPACK_PACKAGE_DESCRIPTION
    "Self-hosted WhatsApp distribution links: one link for a whole team, each customer sent to \
the next attendant, within business hours, with reports and an admin UI. Runs as the systemd \
service sequencial.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};sequencial;/")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
