# cmake -DFILE=meta/libraries.json -P meta_libraries_json.cmake
# Fails unless FILE is JSON with every field Boost's library index reads
# (key, name, authors, description, category, maintainers, cxxstd), key
# "mio", and non-empty arrays where Boost expects lists.
cmake_minimum_required(VERSION 3.19) # string(JSON)
file(READ ${FILE} json)
foreach(field IN ITEMS key name authors description category maintainers cxxstd)
  string(JSON value ERROR_VARIABLE error GET "${json}" ${field})
  if(error OR value STREQUAL "")
    message(FATAL_ERROR "${FILE}: field '${field}': ${error}")
  endif()
endforeach()
string(JSON key GET "${json}" key)
if(NOT key STREQUAL "mio")
  message(FATAL_ERROR "${FILE}: key is '${key}', not 'mio'")
endif()
foreach(list IN ITEMS authors category maintainers)
  string(JSON type TYPE "${json}" ${list})
  string(JSON length LENGTH "${json}" ${list})
  if(NOT type STREQUAL "ARRAY" OR length EQUAL 0)
    message(FATAL_ERROR "${FILE}: '${list}' must be a non-empty array")
  endif()
endforeach()
message(STATUS "${FILE}: ok")
