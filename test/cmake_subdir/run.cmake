# cmake -DSOURCE_DIR=... -DSUBDIR_PROJECT=... -DWORK_DIR=... -DBOOST_PROVIDED_BY=... -P run.cmake
# Configures, builds and runs the parent project of test/cmake_subdir,
# which adds the library at SOURCE_DIR with add_subdirectory.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

include(${CMAKE_CURRENT_LIST_DIR}/../cmake_run_step.cmake)

step(${CMAKE_COMMAND} -S ${SUBDIR_PROJECT} -B ${WORK_DIR}
  -DBOOST_MIO_SOURCE_DIR=${SOURCE_DIR} -DBOOST_PROVIDED_BY=${BOOST_PROVIDED_BY}
  -DCMAKE_CXX_STANDARD=${CXX_STANDARD} -DCMAKE_BUILD_TYPE=Debug)
step(${CMAKE_COMMAND} --build ${WORK_DIR} -j2)
step(${WORK_DIR}/consumer)
