# step(<command...>): runs the command and stops the script, naming it,
# if it fails. Included by the -P scripts of test/cmake_consumer and
# test/cmake_subdir.
function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
