#include <catch2/catch.hpp>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <roundtable/util/file.hpp>
#include <string>
#include <support/temp_dir.hpp>
#include <unistd.h>

using roundtable::testing::TempDir;
using roundtable::util::describe_errno;
using roundtable::util::read_fd_capped;
using roundtable::util::read_file_capped;

TEST_CASE("file::describe_errno") {
    SECTION("our words for common errors") {
        CHECK(describe_errno(ENOENT) == "no such file");
        CHECK(describe_errno(EACCES) == "permission denied");
        CHECK(describe_errno(EISDIR) == "is a directory");
    }
    SECTION("other errors use strerror in lower case") {
        CHECK(describe_errno(ENOSPC) == "no space left on device");
    }
}

TEST_CASE("file::read_file_capped") {
    const TempDir dir;
    SECTION("reads a small file whole") {
        const auto path = dir.write("a.txt", "hello\n");
        const auto read = read_file_capped(path.string(), 100);
        REQUIRE(read.has_value());
        CHECK(read->bytes == "hello\n");
        CHECK_FALSE(read->over_cap);
        CHECK(read->size == 6u);
    }
    SECTION("a file exactly at the cap is accepted") {
        const auto path = dir.write("a.txt", "12345");
        const auto read = read_file_capped(path.string(), 5);
        REQUIRE(read.has_value());
        CHECK_FALSE(read->over_cap);
        CHECK(read->bytes == "12345");
    }
    SECTION("a regular file over the cap is refused from its size, unread") {
        const auto path = dir.write("big.txt", std::string(1000, 'x'));
        const auto read = read_file_capped(path.string(), 10);
        REQUIRE(read.has_value());
        CHECK(read->over_cap);
        CHECK(read->bytes.empty());
        CHECK(read->size == 1000u);
    }
    SECTION("missing file") {
        const auto read = read_file_capped((dir.path() / "nope.txt").string(), 10);
        REQUIRE_FALSE(read.has_value());
        CHECK(read.error() == "no such file");
    }
    SECTION("directory") {
        const auto read = read_file_capped(dir.path().string(), 10);
        REQUIRE_FALSE(read.has_value());
        CHECK(read.error() == "is a directory");
    }
    SECTION("empty path") {
        const auto read = read_file_capped("", 10);
        REQUIRE_FALSE(read.has_value());
        CHECK(read.error() == "no such file");
    }
}

TEST_CASE("file::read_fd_capped") {
    SECTION("a pipe over the cap stops after cap + 1 bytes") {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        const std::string data(100, 'y'); // fits the pipe buffer, no writer thread needed
        REQUIRE(::write(fds[1], data.data(), data.size()) == static_cast<ssize_t>(data.size()));
        ::close(fds[1]);
        const auto read = read_fd_capped(fds[0], 10);
        ::close(fds[0]);
        REQUIRE(read.has_value());
        CHECK(read->over_cap);
        CHECK(read->bytes.size() == 10);
        CHECK_FALSE(read->size.has_value());
    }
    SECTION("a pipe within the cap is read to its end") {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        REQUIRE(::write(fds[1], "abc", 3) == 3);
        ::close(fds[1]);
        const auto read = read_fd_capped(fds[0], 10);
        ::close(fds[0]);
        REQUIRE(read.has_value());
        CHECK_FALSE(read->over_cap);
        CHECK(read->bytes == "abc");
        CHECK(read->size == 3u);
    }
    SECTION("a bad descriptor names the reason") {
        const auto read = read_fd_capped(-1, 10);
        REQUIRE_FALSE(read.has_value());
        CHECK(read.error() == "bad file descriptor");
    }
}
