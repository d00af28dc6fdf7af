#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <roundtable/util/atomic_file.hpp>
#include <roundtable/util/error.hpp>
#include <sstream>
#include <support/temp_dir.hpp>
#include <sys/stat.h>

using roundtable::testing::TempDir;
using roundtable::util::AtomicFile;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("atomic_file::whole or not at all") {
    TempDir dir;
    const auto path = dir.write("out.jsonl", "old\n");
    SECTION("streamed writes appear only at commit, in one piece") {
        auto file = AtomicFile::open(path.string());
        REQUIRE(file.has_value());
        REQUIRE(file->write("a\n").has_value());
        REQUIRE(file->write("b\n").has_value());
        CHECK(read(path) == "old\n"); // not yet
        REQUIRE(file->commit().has_value());
        CHECK(read(path) == "a\nb\n");
        CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
    }
    SECTION("dropped before commit: the path is untouched and no temporary file is left") {
        {
            auto file = AtomicFile::open(path.string());
            REQUIRE(file.has_value());
            REQUIRE(file->write("half").has_value());
        }
        CHECK(read(path) == "old\n");
        CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
    }
    SECTION("an exact mode is kept, the umask aside") {
        auto file = AtomicFile::open(path.string(), 0640);
        REQUIRE(file.has_value());
        REQUIRE(file->commit().has_value());
        struct stat info {};
        REQUIRE(::stat(path.c_str(), &info) == 0);
        CHECK((info.st_mode & 07777) == 0640);
    }
    SECTION("a folder that does not exist: one line naming the path") {
        const std::string missing = (dir.path() / "no" / "such.txt").string();
        auto file = AtomicFile::open(missing);
        REQUIRE_FALSE(file.has_value());
        CHECK(file.error().starts_with(missing + ": cannot write: "));
        CHECK_THROWS_AS(roundtable::util::write_file_atomic(missing, "x"), roundtable::Error);
    }
    SECTION("write_file_atomic writes the whole string") {
        roundtable::util::write_file_atomic(path.string(), "new\n");
        CHECK(read(path) == "new\n");
    }
}
