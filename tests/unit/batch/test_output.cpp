#include <catch2/catch.hpp>
#include <fstream>
#include <roundtable/batch/output.hpp>
#include <sstream>
#include <support/temp_dir.hpp>
#include <thread>
#include <vector>

using namespace roundtable::batch;
using roundtable::testing::TempDir;

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
    SECTION("card lines are done, error lines are not, a truncated last line is cut off") {
        const std::string whole =
            "{\"id\":\"a\",\"card\":{}}\n{\"id\":\"b\",\"error\":\"x\",\"exit\":3}\n"
            "{\"id\":\"c\",\"card\":{}}\n";
        auto path = dir.write("out.jsonl", whole + "{\"id\":\"d\",\"card\":{\"art");
        auto state = read_resume_state(path.string());
        REQUIRE(state);
        CHECK(state->done == std::set<std::string>{"a", "c"});
        CHECK(state->lines == 3);
        CHECK(state->truncated);
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
