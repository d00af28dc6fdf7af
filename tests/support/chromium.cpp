// chromium_dom() (run_binary.hpp) in a file of its own: it uses Catch's assertions, and the
// benchmarks link the support library without Catch's runner.
#include <catch2/catch.hpp>
#include <filesystem>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

namespace roundtable::testing {

std::string chromium_dom(const std::string& page) {
    if (!std::filesystem::exists("/usr/bin/chromium")) {
        WARN("/usr/bin/chromium not installed: the page was not opened in a browser");
        return {};
    }
    TempDir profile;
    RunSpec chrome;
    chrome.program = "/usr/bin/chromium";
    chrome.args = {"--headless",
                   "--no-sandbox",
                   "--disable-gpu",
                   "--disable-quic",
                   "--no-first-run",
                   "--disable-background-networking",
                   "--disable-component-update",
                   "--disable-sync",
                   "--user-data-dir=" + profile.path().string(),
                   "--dump-dom",
                   page};
    chrome.timeout = std::chrono::seconds(60);
    const RunResult dom = run_binary(chrome);
    INFO(dom.err);
    CHECK(dom.exit_code == 0);
    return dom.out;
}

} // namespace roundtable::testing
