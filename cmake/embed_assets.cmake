# Compiles the admin UI into C++ (run at build time by src/ui/CMakeLists.txt,
# in script mode: cmake -DSOURCE_DIR=<repo> -DOUTPUT=<file.cpp> -P this).
#
# Inputs: every file in ui/src/ and every repo-relative path listed in
# ui/vendor.list (one per line, '#' comments; files from node_modules, put
# there by `npm ci`). Each asset except index.html is served at
# /admin/assets/<stem>.<hash8>.<ext>, hash8 being the first 8 hex digits of
# its SHA-256; in index.html every {{asset:NAME}} (NAME = an asset's file
# name) becomes that URL. Fails with a clear message when node_modules is
# missing, a listed file does not exist, two assets share a name or index.html
# names an unknown asset.
cmake_minimum_required(VERSION 3.25)

if(NOT SOURCE_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "embed_assets.cmake needs -DSOURCE_DIR=... -DOUTPUT=...")
endif()
set(ui_dir "${SOURCE_DIR}/ui")

file(GLOB ui_files LIST_DIRECTORIES false "${ui_dir}/src/*")
list(SORT ui_files)

if(EXISTS "${ui_dir}/vendor.list")
  file(STRINGS "${ui_dir}/vendor.list" vendor_lines)
  foreach(line IN LISTS vendor_lines)
    string(REGEX REPLACE "#.*$" "" line "${line}")
    string(STRIP "${line}" line)
    if(line STREQUAL "")
      continue()
    endif()
    set(path "${SOURCE_DIR}/${line}")
    if(NOT EXISTS "${path}")
      if(line MATCHES "^node_modules/" AND NOT IS_DIRECTORY "${SOURCE_DIR}/node_modules")
        message(FATAL_ERROR
          "The admin UI needs ${line}, but node_modules is missing.\n"
          "Run `npm ci` at the repository root (scripts/install-deps.sh does it), then build again.")
      endif()
      message(FATAL_ERROR
        "ui/vendor.list names ${line}, which does not exist.\n"
        "Run `npm ci` at the repository root (scripts/install-deps.sh does it), then build again.")
    endif()
    list(APPEND ui_files "${path}")
  endforeach()
endif()

set(index_path "${ui_dir}/src/index.html")
if(NOT EXISTS "${index_path}")
  message(FATAL_ERROR "ui/src/index.html is missing: the admin UI needs it.")
endif()

# Content-Type of an asset from its extension.
function(content_type_of ext out)
  set(types
    "js=text/javascript\\; charset=utf-8" "mjs=text/javascript\\; charset=utf-8"
    "css=text/css\\; charset=utf-8" "html=text/html\\; charset=utf-8"
    "svg=image/svg+xml" "png=image/png" "ico=image/x-icon" "webp=image/webp"
    "woff2=font/woff2" "woff=font/woff" "json=application/json" "map=application/json"
    "txt=text/plain\\; charset=utf-8")
  set(type "application/octet-stream")
  foreach(entry IN LISTS types)
    if(entry MATCHES "^${ext}=(.*)$")
      set(type "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(${out} "${type}" PARENT_SCOPE)
endfunction()

# The contents of `file` as C string literal lines: "\x41\x42..." ...
set(line_pattern "")
foreach(i RANGE 1 48)
  string(APPEND line_pattern "[0-9a-f][0-9a-f]")
endforeach()
function(c_literal_of_hex hex out)
  if(hex STREQUAL "")
    set(${out} "\"\"" PARENT_SCOPE)
    return()
  endif()
  string(REGEX REPLACE "(${line_pattern})" "\\1\n" hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" hex "${hex}")
  string(REGEX REPLACE "\n$" "" hex "${hex}")
  string(REPLACE "\n" "\"\n    \"" hex "${hex}")
  set(${out} "\"${hex}\"" PARENT_SCOPE)
endfunction()

set(data_defs "")
set(table "")
set(names "")
set(index 0)
foreach(path IN LISTS ui_files)
  get_filename_component(name "${path}" NAME)
  if(name STREQUAL "index.html")
    continue()
  endif()
  if(name IN_LIST names)
    message(FATAL_ERROR "Two admin UI assets are named ${name}; asset names must be unique.")
  endif()
  list(APPEND names "${name}")
  file(SHA256 "${path}" digest)
  string(SUBSTRING "${digest}" 0 8 hash8)
  string(FIND "${name}" "." dot REVERSE)
  if(dot LESS_EQUAL 0)
    set(url "/admin/assets/${name}.${hash8}")
    set(ext "")
  else()
    string(SUBSTRING "${name}" 0 ${dot} stem)
    math(EXPR after "${dot} + 1")
    string(SUBSTRING "${name}" ${after} -1 ext)
    set(url "/admin/assets/${stem}.${hash8}.${ext}")
  endif()
  string(TOLOWER "${ext}" ext)
  content_type_of("${ext}" type)
  set(url_of_${name} "${url}")
  file(READ "${path}" hex HEX)
  c_literal_of_hex("${hex}" literal)
  string(APPEND data_defs "constexpr char kData${index}[] =\n    ${literal};\n")
  string(APPEND table "    {\"${name}\", \"${url}\", \"${type}\", {kData${index}, sizeof(kData${index}) - 1}},\n")
  math(EXPR index "${index} + 1")
endforeach()

# index.html with every {{asset:NAME}} replaced by the asset's URL.
file(READ "${index_path}" html)
string(REGEX MATCHALL "{{asset:[^}]*}}" placeholders "${html}")
list(REMOVE_DUPLICATES placeholders)
foreach(placeholder IN LISTS placeholders)
  string(REGEX REPLACE "^{{asset:(.*)}}$" "\\1" name "${placeholder}")
  string(STRIP "${name}" name)
  if(NOT DEFINED url_of_${name})
    message(FATAL_ERROR "ui/src/index.html refers to {{asset:${name}}}, but there is no asset "
                        "named ${name} in ui/src/ or ui/vendor.list.")
  endif()
  string(REPLACE "${placeholder}" "${url_of_${name}}" html "${html}")
endforeach()
string(HEX "${html}" index_hex)
c_literal_of_hex("${index_hex}" index_literal)

if(table STREQUAL "")
  set(table_def "constexpr std::array<EmbeddedAsset, 0> kAssets{};\n")
else()
  set(table_def "constexpr EmbeddedAsset kAssets[] = {\n${table}};\n")
endif()

file(WRITE "${OUTPUT}.tmp"
"// Generated by cmake/embed_assets.cmake from ui/src/ and ui/vendor.list: do not edit.
#include <array>

#include \"ui/embedded_assets.h\"

namespace sequencial::ui {
namespace {

${data_defs}${table_def}
constexpr char kIndexHtml[] =
    ${index_literal};

}  // namespace

std::span<const EmbeddedAsset> embedded_assets() { return kAssets; }
std::string_view embedded_index_html() { return {kIndexHtml, sizeof(kIndexHtml) - 1}; }

}  // namespace sequencial::ui
")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
