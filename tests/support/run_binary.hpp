// Runs the built roundtable binary (or any program) as a child process with
// given arguments, standard input and environment, and captures its standard
// output, standard error and exit code. Used by the end-to-end tests.
#pragma once

#include <chrono>
#include <csignal>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace roundtable::testing {

struct RunResult {
    int exit_code = -1; // 128 + signal when killed by a signal
    std::string out;
    std::string err;
    bool timed_out = false;
};

struct RunSpec {
    std::vector<std::string> args;         // without argv[0]
    std::optional<std::string> stdin_data; // nullopt: stdin is /dev/null
    std::map<std::string, std::string>
        env;                        // set on top of a clean environment (PATH, HOME, LANG kept)
    std::vector<std::string> unset; // removed from the inherited environment
    std::string program = RT_BINARY;
    std::chrono::milliseconds timeout{60'000};
    std::optional<std::chrono::milliseconds> interrupt_after; // send SIGINT after this long
    std::function<bool()> interrupt_when;                     // or once this turns true (polled)
    int interrupt_signal = SIGINT;                            // what interrupting sends
    std::optional<unsigned> umask;                            // the child's umask; default: ours
};

// Runs `spec` and waits for it; kills it (SIGKILL) after spec.timeout.
RunResult run_binary(const RunSpec& spec);

// Returns the XDG_CACHE_HOME given to children by default: a private folder of this
// test process, removed when it exits (so tests never share a cache, or see another's).
std::string default_cache_home();

// Returns RT_SOURCE_DIR "/" + relative.
std::string source_path(const std::string& relative);

// Opens `page` in headless Chromium and returns the DOM it built, checking that Chromium
// exited 0; returns "" with a warning when Chromium is not installed.
std::string chromium_dom(const std::string& page);

} // namespace roundtable::testing
