#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <roundtable/batch/output.hpp>
#include <sstream>
#include <support/temp_dir.hpp>
#include <sys/stat.h>
#include <thread>
#include <vector>

using namespace roundtable::batch;
using roundtable::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("output::read_resume_state") {
    TempDir dir;
    SECTION("a missing file is an empty state") {
        auto state = read_resume_state((dir.path() / "none.jsonl").string());
        REQUIRE(state);
        CHECK(state->done.empty());
        CHECK_FALSE(state->truncated);
    }
    SECTION("card lines are done, error lines are taken out (their articles run again), a "
            "truncated last line is cut off") {
        const std::string cards = "{\"id\":\"a\",\"card\":{}}\n{\"id\":\"c\",\"card\":{}}\n";
        auto path = dir.write("out.jsonl", "{\"id\":\"a\",\"card\":{}}\n"
                                           "{\"id\":\"b\",\"error\":\"x\",\"exit\":3}\n"
                                           "{\"id\":\"c\",\"card\":{}}\n"
                                           "{\"id\":\"d\",\"card\":{\"art");
        ::chmod(path.c_str(), 0640);
        auto state = read_resume_state(path.string());
        REQUIRE(state);
        CHECK(state->done == std::set<std::string>{"a", "c"});
        CHECK(state->lines == 3);
        CHECK(state->failures_removed == 1);
        CHECK(state->truncated);
        CHECK(slurp(path.string()) == cards);
        struct stat info {};
        REQUIRE(::stat(path.c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0640); // the rewrite keeps the file's mode
        CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
    }
    SECTION("error lines only: the file is rewritten without them, broken lines left alone") {
        auto path = dir.write("out.jsonl", "{\"id\":\"b\",\"error\":\"x\",\"exit\":3}\n"
                                           "not json\n"
                                           "{\"id\":\"b\",\"error\":\"y\",\"exit\":2}\n");
        auto state = read_resume_state(path.string());
        REQUIRE(state);
        CHECK(state->done.empty());
        CHECK(state->failures_removed == 2);
        CHECK_FALSE(state->truncated);
        CHECK(slurp(path.string()) == "not json\n");
    }
    SECTION("a line nested past the JSON depth bound is a broken line, not a crash") {
        const std::string deep =
            "{\"id\":\"x\",\"card\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
        const std::string whole = "{\"id\":\"a\",\"card\":{}}\n" + deep + "\n";
        auto path = dir.write("out.jsonl", whole);
        auto state = read_resume_state(path.string());
        REQUIRE(state);
        CHECK(state->done == std::set<std::string>{"a"});
        CHECK(state->failures_removed == 0);
        CHECK(slurp(path.string()) == whole);
    }
    SECTION("a complete file is left as it is") {
        const std::string whole = "{\"id\":\"a\",\"card\":{}}\n";
        auto path = dir.write("out.jsonl", whole);
        auto state = read_resume_state(path.string());
        REQUIRE(state);
        CHECK_FALSE(state->truncated);
        CHECK(slurp(path.string()) == whole);
    }
    SECTION(
        "a last line that is whole JSON but lacks its newline is still cut (it may be partial)") {
        auto path = dir.write("out.jsonl", "{\"id\":\"a\",\"card\":{}}");
        auto state = read_resume_state(path.string());
        REQUIRE(state);
        CHECK(state->done.empty());
        CHECK(slurp(path.string()).empty());
    }
}

TEST_CASE("output::LineWriter") {
    TempDir dir;
    const std::string path = (dir.path() / "out.jsonl").string();
    SECTION("lines from many threads arrive whole") {
        {
            auto writer = LineWriter::open_file(path, false);
            REQUIRE(writer);
            std::vector<std::thread> threads;
            for (int t = 0; t < 4; ++t) {
                threads.emplace_back([&, t] {
                    for (int i = 0; i < 50; ++i) {
                        CHECK((*writer)->write_line(std::string(1000, static_cast<char>('a' + t))));
                    }
                });
            }
            for (auto& th : threads) {
                th.join();
            }
        }
        std::istringstream lines(slurp(path));
        std::string line;
        int n = 0;
        while (std::getline(lines, line)) {
            ++n;
            REQUIRE(line.size() == 1000);
            CHECK(line.find_first_not_of(line[0]) == std::string::npos);
        }
        CHECK(n == 200);
    }
    SECTION("append keeps earlier lines; truncate does not") {
        dir.write("out.jsonl", "old\n");
        {
            auto writer = LineWriter::open_file(path, true);
            REQUIRE(writer);
            REQUIRE((*writer)->write_line("new"));
        }
        CHECK(slurp(path) == "old\nnew\n");
        {
            auto writer = LineWriter::open_file(path, false);
            REQUIRE(writer);
            REQUIRE((*writer)->write_line("only"));
        }
        CHECK(slurp(path) == "only\n");
    }
    SECTION("an unopenable file names the path and the reason") {
        auto writer = LineWriter::open_file((dir.path() / "no/such/dir.jsonl").string(), false);
        REQUIRE_FALSE(writer);
        CHECK(writer.error() == (dir.path() / "no/such/dir.jsonl").string() + ": no such file");
    }
    SECTION("to a stream") {
        std::ostringstream out;
        LineWriter writer(out);
        REQUIRE(writer.write_line("{\"id\":\"a\"}"));
        CHECK(out.str() == "{\"id\":\"a\"}\n");
    }
}
