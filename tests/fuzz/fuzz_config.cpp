// Fuzz target: a config file through config::load and config::load_store_settings
// (TOML parsing, the strict schema, [models] merged into the catalogue, [limits]).
// The input is written to a file named by ROUNDTABLE_CONFIG, as a user's would be.
// Properties: the only exception is roundtable::Error with Exit::config, and its
// message is one line.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fuzz_support.hpp>
#include <roundtable/config/config.hpp>
#include <roundtable/util/error.hpp>
#include <string>
#include <unistd.h>

using namespace roundtable;

int fuzz::run_config(const std::uint8_t* data, std::size_t size) {
    static const std::string path =
        "/tmp/roundtable-fuzz-config-" + std::to_string(::getpid()) + ".toml";
    static const config::Env env = config::Env::from_map({{"ROUNDTABLE_CONFIG", path}});
    std::FILE* file = std::fopen(path.c_str(), "wb");
    fuzz::require(file != nullptr, "the config file can be written");
    fuzz::require(std::fwrite(data, 1, size, file) == size || size == 0, "the file is written");
    std::fclose(file);

    config::Overrides overrides;
    overrides.require_keys = false;
    try {
        (void)config::load(overrides, env);
    } catch (const Error& error) {
        fuzz::require(error.code() == Exit::config, "a config error exits with Exit::config");
        fuzz::require(std::string_view(error.what()).find('\n') == std::string_view::npos,
                      "a config error is one line");
    }
    try {
        (void)config::load_store_settings(overrides, env);
    } catch (const Error& error) {
        fuzz::require(error.code() == Exit::config, "a config error exits with Exit::config");
    }
    return 0;
}

#ifndef RT_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_config(data, size);
}
#endif
