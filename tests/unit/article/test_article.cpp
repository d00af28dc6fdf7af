#include <catch2/catch.hpp>
#include <fcntl.h>
#include <filesystem>
#include <roundtable/article/article.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/hash.hpp>
#include <string>
#include <support/temp_dir.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace roundtable::article;
using roundtable::Error;
using roundtable::Exit;
using roundtable::testing::TempDir;

namespace {

// Returns the message of the Error that `read` throws, checking its exit code.
template <typename Read> std::string error_of(Read read) {
    try {
        read();
    } catch (const Error& error) {
        CHECK(error.code() == Exit::usage);
        return error.what();
    }
    FAIL("no error thrown");
    return "";
}

// Points standard input at a file for the life of the object.
class StdinFrom {
public:
    explicit StdinFrom(const std::filesystem::path& path) : m_saved(::dup(STDIN_FILENO)) {
        const int fd = ::open(path.c_str(), O_RDONLY);
        REQUIRE(fd >= 0);
        REQUIRE(::dup2(fd, STDIN_FILENO) == STDIN_FILENO);
        ::close(fd);
    }
    StdinFrom(const StdinFrom&) = delete;
    StdinFrom& operator=(const StdinFrom&) = delete;
    ~StdinFrom() {
        ::dup2(m_saved, STDIN_FILENO);
        ::close(m_saved);
    }

private:
    int m_saved;
};

// Returns what error_of would, but when running as root runs `read` in a child
// process that dropped to user "nobody", since root ignores file permissions.
template <typename Read> std::string error_of_as_user(Read read) {
    if (::geteuid() != 0) {
        return error_of(read);
    }
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(fds[0]);
        std::string message = "no error thrown";
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) {
            message = "cannot drop privileges";
        } else {
            try {
                read();
            } catch (const Error& error) {
                message = error.what();
            }
        }
        const ssize_t written = ::write(fds[1], message.data(), message.size());
        ::_exit(written == static_cast<ssize_t>(message.size()) ? 0 : 1);
    }
    ::close(fds[1]);
    std::string message;
    char buffer[512];
    ssize_t got = 0;
    while ((got = ::read(fds[0], buffer, sizeof buffer)) > 0) {
        message.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    return message;
}

} // namespace

TEST_CASE("article::from_bytes") {
    SECTION("plain text: fields") {
        const Article article =
            from_bytes("Rates rise\n\nThe bank raised rates.\n", "examples/x.txt");
        CHECK(article.title == "Rates rise");
        CHECK(article.source == "examples/x.txt");
        CHECK(article.text == "Rates rise\n\nThe bank raised rates.");
        CHECK(article.sha256 == roundtable::util::sha256_hex(article.text));
        CHECK(article.chars == article.text.size());
        CHECK(article.bytes == 35);
        CHECK_FALSE(article.from_html);
        CHECK(article.warnings.empty());
    }
    SECTION("sha256 of a known text") {
        CHECK(from_bytes("abc", "s").sha256 ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
    SECTION("chars counts code points, bytes counts input bytes") {
        const Article article = from_bytes("Caf\xC3\xA9 \xE2\x82\xAC"
                                           "5 \xF0\x9F\x98\x80\n",
                                           "s");
        CHECK(article.chars == 9);
        CHECK(article.bytes == 16);
    }
    SECTION("BOM and CRLF") {
        const Article article = from_bytes("\xEF\xBB\xBFTitle\r\n\r\nBody  text.\r\n", "s");
        CHECK(article.text == "Title\n\nBody text.");
        CHECK(article.title == "Title");
        CHECK(article.bytes == 25);
    }
    SECTION("whitespace is collapsed, other characters kept") {
        const Article article =
            from_bytes("A\t\xE2\x80\x9Cquote\xE2\x80\x9D \xE2\x80\x94  dash.\n\n\n\nNext.", "s");
        CHECK(article.text == "A \xE2\x80\x9Cquote\xE2\x80\x9D \xE2\x80\x94 dash.\n\nNext.");
    }
    SECTION("invalid UTF-8 is replaced with a warning naming the source") {
        const Article article = from_bytes("bad \xFF one, \xC3 two, \x80 three.", "stdin");
        CHECK(article.text == "bad \xEF\xBF\xBD one, \xEF\xBF\xBD two, \xEF\xBF\xBD three.");
        REQUIRE(article.warnings.size() == 1);
        CHECK(article.warnings[0] == "stdin: replaced 3 invalid UTF-8 sequences with U+FFFD");
    }
    SECTION("one invalid sequence: singular") {
        const Article article = from_bytes("caf\xE9", "a.txt");
        REQUIRE(article.warnings.size() == 1);
        CHECK(article.warnings[0] == "a.txt: replaced 1 invalid UTF-8 sequence with U+FFFD");
    }
    SECTION("HTML is detected and converted") {
        const Article article =
            from_bytes("<!DOCTYPE html><html><head><title>Big &amp; news</title></head>"
                       "<body><nav>Menu</nav><article><h1>Big "
                       "news</h1><p>First.</p><p>Second.</p></article></body></html>",
                       "page.html");
        CHECK(article.from_html);
        CHECK(article.title == "Big & news");
        CHECK(article.text == "Big news\n\nFirst.\n\nSecond.");
        CHECK(article.sha256 == roundtable::util::sha256_hex("Big news\n\nFirst.\n\nSecond."));
    }
    SECTION("a .html name does not make plain text HTML") {
        const Article article = from_bytes("Plain words, a < b.", "story.html");
        CHECK_FALSE(article.from_html);
        CHECK(article.text == "Plain words, a < b.");
    }
    SECTION("a 1 MiB article is accepted at the default limit") {
        std::string bytes;
        while (bytes.size() < 1024 * 1024 - 100) {
            bytes += "The quick brown fox jumps over the lazy dog.\n\n";
        }
        const Article article = from_bytes(bytes, "big.txt");
        CHECK(article.bytes == bytes.size());
        CHECK(article.text.size() == bytes.size() - 2);
    }
}

TEST_CASE("article::from_bytes errors") {
    SECTION("over the size limit") {
        ReadOptions options;
        CHECK(
            error_of([&] {
                from_bytes(std::string(2 * 1024 * 1024, 'a'), "examples/x.txt", options);
            }) ==
            "examples/x.txt: input is 2.0 MiB, over the 1.0 MiB limit (raise it with --max-bytes)");
    }
    SECTION("one byte over the limit shows exact counts and the configured flag") {
        ReadOptions options;
        options.max_bytes = 1024;
        options.size_flag = "--max-input";
        CHECK(error_of([&] { from_bytes(std::string(1025, 'a'), "stdin", options); }) ==
              "stdin: input is 1025 bytes, over the 1024 bytes limit (raise it with --max-input)");
    }
    SECTION("empty") {
        CHECK(error_of([] { from_bytes("", "examples/x.txt"); }) ==
              "examples/x.txt: input is empty");
    }
    SECTION("whitespace only, and a BOM alone") {
        CHECK(error_of([] { from_bytes(" \n\t\r\n ", "stdin"); }) == "stdin: input is empty");
        CHECK(error_of([] { from_bytes("\xEF\xBB\xBF\n", "stdin"); }) == "stdin: input is empty");
        CHECK(error_of([] { from_bytes("\xC2\xA0\xE3\x80\x80\n", "stdin"); }) ==
              "stdin: input is empty");
    }
    SECTION("no source: no prefix") {
        CHECK(error_of([] { from_bytes("", ""); }) == "input is empty");
    }
    SECTION("binary: NUL bytes") {
        CHECK(error_of([] { from_bytes(std::string("PK\x03\x04\0\0", 6), "a.zip"); }) ==
              "a.zip: input looks binary (NUL bytes), not text");
    }
    SECTION("binary: control bytes") {
        CHECK(error_of([] {
                  from_bytes("\x01\x02\x03\x04\x05\x06"
                             "abcd",
                             "x.bin");
              }) == "x.bin: input looks binary (60% control bytes), not text");
    }
    SECTION("UTF-16") {
        CHECK(error_of([] { from_bytes(std::string("\xFF\xFEH\0i\0", 6), "u.txt"); }) ==
              "u.txt: input is UTF-16 text; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)");
    }
    SECTION("absurdly nested HTML") {
        std::string html = "<html><body>";
        while (html.size() < 1000 * 1000) {
            html += "<div>";
        }
        CHECK(error_of([&] { from_bytes(html, "deep.html"); }) ==
              "deep.html: input HTML nests too deeply (over 1000 levels)");
    }
    SECTION("HTML with no readable text") {
        CHECK(error_of([] {
                  from_bytes("<html><head><title>T</title></head><body><p> </p></body></html>",
                             "p.html");
              }) == "p.html: input has no text");
    }
    SECTION("HTML with nothing but navigation") {
        CHECK(error_of([] {
                  from_bytes(
                      "<html><head><script>x()</script></head><body><nav>Menu</nav></body></html>",
                      "p.html");
              }) == "p.html: input has no article text: only navigation, links and labels, no "
                    "article");
    }
}

TEST_CASE("article::read_file") {
    const TempDir dir;
    SECTION("reads a file with its path as source") {
        const auto path = dir.write("story.txt", "Headline\n\nBody.\n");
        const Article article = read_file(path.string());
        CHECK(article.source == path.string());
        CHECK(article.title == "Headline");
        CHECK(article.text == "Headline\n\nBody.");
    }
    SECTION("missing") {
        const std::string path = (dir.path() / "nope.txt").string();
        CHECK(error_of([&] { read_file(path); }) == path + ": no such file");
    }
    SECTION("a directory") {
        const std::string path = dir.path().string();
        CHECK(error_of([&] { read_file(path); }) == path + ": is a directory");
    }
    SECTION("permission denied") {
        const auto path = dir.write("secret.txt", "text");
        REQUIRE(::chmod(path.c_str(), 0) == 0);
        CHECK(error_of_as_user([&] { read_file(path.string()); }) ==
              path.string() + ": permission denied");
    }
    SECTION("too large: refused from the size") {
        ReadOptions options;
        options.max_bytes = 1024 * 1024;
        const auto path = dir.write("big.txt", std::string(2 * 1024 * 1024, 'x'));
        CHECK(error_of([&] { read_file(path.string(), options); }) ==
              path.string() +
                  ": input is 2.0 MiB, over the 1.0 MiB limit (raise it with --max-bytes)");
    }
    SECTION("a pipe over the limit: size unknown") {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        REQUIRE(::write(fds[1], "0123456789abcdef", 16) == 16);
        ::close(fds[1]);
        const std::string path = "/proc/self/fd/" + std::to_string(fds[0]);
        ReadOptions options;
        options.max_bytes = 8;
        const std::string message = error_of([&] { read_file(path, options); });
        ::close(fds[0]);
        CHECK(message == path + ": input is over the 8 bytes limit (raise it with --max-bytes)");
    }
    SECTION("empty file") {
        const auto path = dir.write("empty.txt", "");
        CHECK(error_of([&] { read_file(path.string()); }) == path.string() + ": input is empty");
    }
    SECTION("binary file") {
        const auto path = dir.write("a.bin", std::string("\x7F"
                                                         "ELF\x02\x01\x01\0\0\0",
                                                         10));
        CHECK(error_of([&] { read_file(path.string()); }) ==
              path.string() + ": input looks binary (NUL bytes), not text");
    }
}

TEST_CASE("article::read_stdin") {
    const TempDir dir;
    SECTION("reads standard input with source \"stdin\"") {
        const StdinFrom in(dir.write("in.txt", "From stdin\n\nBody text.\n"));
        const Article article = read_stdin();
        CHECK(article.source == "stdin");
        CHECK(article.title == "From stdin");
        CHECK(article.text == "From stdin\n\nBody text.");
    }
    SECTION("errors name stdin") {
        const StdinFrom in(dir.write("in.txt", "  \n"));
        CHECK(error_of([] { read_stdin(); }) == "stdin: input is empty");
    }
    SECTION("the size cap applies") {
        const StdinFrom in(dir.write("in.txt", std::string(2048, 'a')));
        ReadOptions options;
        options.max_bytes = 1024;
        CHECK(error_of([&] { read_stdin(options); }) ==
              "stdin: input is 2.0 KiB, over the 1.0 KiB limit (raise it with --max-bytes)");
    }
}

TEST_CASE("article::source_message") {
    SECTION("prefixes the source") {
        CHECK(source_message("a.txt", "input is empty") == "a.txt: input is empty");
    }
    SECTION("no prefix without a source") {
        CHECK(source_message("", "input is empty") == "input is empty");
    }
}
