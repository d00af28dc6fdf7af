# Writes the bash, zsh and fish completions of roundtable into OUT_DIR by running BINARY
# (`cmake -DBINARY=... -DOUT_DIR=... -P completions.cmake`), hermetically: no user config.
file(MAKE_DIRECTORY ${OUT_DIR})
set(ENV{XDG_CONFIG_HOME} ${OUT_DIR}/no-config)
set(ENV{HOME} ${OUT_DIR}/no-home)
unset(ENV{ROUNDTABLE_CONFIG})
foreach(pair "bash;roundtable" "zsh;_roundtable" "fish;roundtable.fish")
  list(GET pair 0 shell)
  list(GET pair 1 name)
  execute_process(COMMAND ${BINARY} completion ${shell} OUTPUT_FILE ${OUT_DIR}/${name}
                  RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "roundtable completion ${shell} failed: ${result}")
  endif()
endforeach()
