// Every input the fuzzers once failed on (tests/data/fuzz-regressions/<target>/) and
// every seed of their corpora, run through the same target body and its properties
// (tests/fuzz/fuzz_<target>.cpp, built here without libFuzzer). A property that fails
// aborts this suite naming the input; a crash is a crash.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <fuzz_support.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using Body = int (*)(const std::uint8_t*, std::size_t);

// Returns the files under `folder` (recursively), sorted; empty when it does not exist.
std::vector<fs::path> files_under(const fs::path& folder) {
    std::vector<fs::path> files;
    if (fs::is_directory(folder)) {
        for (const auto& entry : fs::recursive_directory_iterator(folder)) {
            if (entry.is_regular_file()) {
                files.push_back(entry.path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

// Runs `body` on every file of `folders` (relative to the source tree); returns how many.
std::size_t run_all(Body body, const std::vector<std::string>& folders) {
    std::size_t count = 0;
    for (const std::string& folder : folders) {
        for (const fs::path& file : files_under(fs::path(RT_SOURCE_DIR) / folder)) {
            std::ifstream in(file, std::ios::binary);
            std::stringstream bytes;
            bytes << in.rdbuf();
            const std::string input = bytes.str();
            INFO(file.string());
            CHECK(body(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()) == 0);
            ++count;
        }
    }
    return count;
}

} // namespace

TEST_CASE("fuzz::regressions: every saved failing input passes its target") {
    using namespace roundtable::fuzz;
    const std::string base = "tests/data/fuzz-regressions/";
    // Folders that hold no input yet count 0; each found input must now pass.
    std::size_t total = 0;
    total += run_all(run_reply, {base + "reply"});
    total += run_all(run_codec, {base + "codec"});
    total += run_all(run_article, {base + "article"});
    total += run_all(run_grounding, {base + "grounding"});
    total += run_all(run_config, {base + "config"});
    total += run_all(run_jsonl, {base + "jsonl"});
    total += run_all(run_headers, {base + "headers"});
    total += run_all(run_batch, {base + "batch"});
    CHECK(total == files_under(fs::path(RT_SOURCE_DIR) / "tests/data/fuzz-regressions").size());
}

TEST_CASE("fuzz::seeds: every seed passes its target") {
    using namespace roundtable::fuzz;
    CHECK(run_all(run_reply, {"tests/data/replies", "tests/fuzz/seeds/reply"}) > 10);
    CHECK(run_all(run_codec, {"tests/data/recorded", "tests/fuzz/seeds/codec"}) > 10);
    CHECK(run_all(run_article, {"tests/data/pages", "tests/data/hostile", "examples"}) > 10);
    CHECK(run_all(run_grounding, {"tests/fuzz/seeds/grounding", "examples"}) > 3);
    CHECK(run_all(run_config, {"tests/fuzz/seeds/config", "data"}) > 2);
    CHECK(run_all(run_jsonl, {"tests/fuzz/seeds/jsonl"}) >= 1);
    CHECK(run_all(run_headers, {"tests/fuzz/seeds/headers"}) >= 3);
    CHECK(run_all(run_batch, {"tests/fuzz/seeds/batch"}) >= 3);
}

TEST_CASE("fuzz::properties: a broken property is caught") {
    using roundtable::fuzz::is_valid_utf8;
    CHECK(is_valid_utf8("plain \xe2\x80\x9c"
                        "curly\xe2\x80\x9d \xf0\x9f\x98\x80"));
    CHECK_FALSE(is_valid_utf8("\x27\xe2\x80"));     // cut inside a character
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));         // overlong
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));     // a surrogate
    CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\x93quoted\x94"));   // windows-1252 quotes
}
