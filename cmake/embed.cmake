# Embeds text files into a generated header, as ninja does for its browse script.
# rt_embed(OUT header NAMESPACE ns FILES a.txt b.txt) defines `inline constexpr
# std::string_view k_<stem>` for each file, and a table `k_files` of {name, text}.
function(rt_embed)
  cmake_parse_arguments(E "" "OUT;NAMESPACE" "FILES" ${ARGN})
  string(REPLACE ";" "|" files_arg "${E_FILES}")
  add_custom_command(
    OUTPUT ${E_OUT}
    COMMAND ${CMAKE_COMMAND} -DOUT=${E_OUT} -DNAMESPACE=${E_NAMESPACE} "-DFILES=${files_arg}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${E_NAMESPACE}"
    VERBATIM)
endfunction()
