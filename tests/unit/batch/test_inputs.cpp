#include <catch2/catch.hpp>
#include <roundtable/batch/inputs.hpp>
#include <support/temp_dir.hpp>
#include <vector>

using namespace roundtable::batch;
using roundtable::testing::TempDir;

namespace {

std::vector<InputItem> read_all(std::vector<std::string> inputs) {
    InputReader reader(std::move(inputs));
    std::vector<InputItem> items;
    while (auto item = reader.next()) {
        items.push_back(std::move(*item));
    }
    return items;
}

} // namespace

TEST_CASE("inputs::text_id") {
    SECTION("a sha256 prefix, stable") {
        CHECK(text_id("abc") == "sha256:ba7816bf8f01cfea");
        CHECK(text_id("abc") == text_id("abc"));
        CHECK(text_id("abd") != text_id("abc"));
    }
}

TEST_CASE("inputs::is_article_file") {
    SECTION("the four extensions, any case") {
        CHECK(is_article_file("a/b.txt"));
        CHECK(is_article_file("b.MD"));
        CHECK(is_article_file("b.html"));
        CHECK(is_article_file("b.Htm"));
        CHECK_FALSE(is_article_file("b.jsonl"));
        CHECK_FALSE(is_article_file("b"));
        CHECK_FALSE(is_article_file("b.pdf"));
    }
}

TEST_CASE("inputs::parse_jsonl_line") {
    SECTION("id, title and text") {
        auto item =
            parse_jsonl_line(R"({"id":"a1","title":"T","text":"Body."})", "c.jsonl", 1, "dir");
        CHECK(item.kind == InputItem::Kind::text);
        CHECK(item.id == "a1");
        CHECK(item.title == "T");
        CHECK(item.value == "Body.");
        CHECK(item.origin == "c.jsonl:1");
    }
    SECTION("text without id: a sha256 id of the text") {
        auto item = parse_jsonl_line(R"({"text":"Body."})", "c.jsonl", 2, "");
        CHECK(item.id == text_id("Body."));
    }
    SECTION("a relative path is resolved against the file's folder; the id stays as written") {
        auto item = parse_jsonl_line(R"({"path":"x/a.txt"})", "c.jsonl", 3, "/data");
        CHECK(item.kind == InputItem::Kind::file);
        CHECK(item.id == "x/a.txt");
        CHECK(item.value == "/data/x/a.txt");
    }
    SECTION("a url: the url is the id") {
        auto item = parse_jsonl_line(R"({"url":"https://example.com/a"})", "c.jsonl", 4, "");
        CHECK(item.kind == InputItem::Kind::url);
        CHECK(item.id == "https://example.com/a");
    }
    SECTION("malformed lines name file and line") {
        auto check = [](std::string_view line, const std::string& message) {
            auto item = parse_jsonl_line(line, "c.jsonl", 7, "");
            CHECK(item.kind == InputItem::Kind::error);
            CHECK(item.id == "c.jsonl:7");
            CHECK(item.value == message);
        };
        check(R"({"id":"a",)", "c.jsonl:7: not valid JSON");
        check(R"(["a"])", "c.jsonl:7: expected a JSON object");
        check(R"({"id":"a"})", "c.jsonl:7: expected exactly one of \"text\", \"path\" or \"url\"");
        check(R"({"text":"a","url":"b"})",
              "c.jsonl:7: expected exactly one of \"text\", \"path\" or \"url\"");
        check(R"({"id":5,"text":"a"})", "c.jsonl:7: \"id\" must be a non-empty string");
        check(R"({"id":"","text":"a"})", "c.jsonl:7: \"id\" must be a non-empty string");
        check(R"({"title":1,"text":"a"})", "c.jsonl:7: \"title\" must be a string");
        check(R"({"text":""})", "c.jsonl:7: \"text\" must be a non-empty string");
    }
}

TEST_CASE("inputs::InputReader") {
    TempDir dir;
    const auto root = dir.path().string();
    dir.write("corpus/b.txt", "B");
    dir.write("corpus/a.md", "A");
    dir.write("corpus/sub/c.html", "<p>C</p>");
    dir.write("corpus/skip.pdf", "x");
    dir.write("corpus/notes.jsonl", "{}");

    SECTION("a folder: recursive, filtered, sorted, ids relative to the folder") {
        auto items = read_all({root + "/corpus"});
        REQUIRE(items.size() == 3);
        CHECK(items[0].id == "a.md");
        CHECK(items[1].id == "b.txt");
        CHECK(items[2].id == "sub/c.html");
        CHECK(items[2].value == root + "/corpus/sub/c.html");
    }
    SECTION("a file is its own id, as given") {
        auto items = read_all({root + "/corpus/b.txt"});
        REQUIRE(items.size() == 1);
        CHECK(items[0].kind == InputItem::Kind::file);
        CHECK(items[0].id == root + "/corpus/b.txt");
    }
    SECTION("a glob") {
        auto items = read_all({root + "/corpus/*.txt"});
        REQUIRE(items.size() == 1);
        CHECK(items[0].id == root + "/corpus/b.txt");
    }
    SECTION("a glob that matches nothing and a missing file are error items; reading goes on") {
        auto items =
            read_all({root + "/nothing/*.txt", root + "/missing.txt", root + "/corpus/b.txt"});
        REQUIRE(items.size() == 3);
        CHECK(items[0].kind == InputItem::Kind::error);
        CHECK(items[0].value == root + "/nothing/*.txt: no file matches");
        CHECK(items[1].value == root + "/missing.txt: no such file");
        CHECK(items[2].kind == InputItem::Kind::file);
    }
    SECTION("a JSONL file: one item per line, blank lines skipped, the malformed line named by "
            "number") {
        auto path = dir.write("list.jsonl", "{\"id\":\"one\",\"text\":\"First.\"}\n\n{broken\n"
                                            "{\"id\":\"three\",\"path\":\"corpus/b.txt\"}\r\n");
        auto items = read_all({path.string()});
        REQUIRE(items.size() == 3);
        CHECK(items[0].id == "one");
        CHECK(items[1].kind == InputItem::Kind::error);
        CHECK(items[1].value == path.string() + ":3: not valid JSON");
        CHECK(items[2].id == "three");
        CHECK(items[2].value == root + "/corpus/b.txt");
    }
    SECTION("bounds: a line over the length limit and one nested too deep are errors, the next "
            "lines are read") {
        using roundtable::batch::k_max_jsonl_line_bytes;
        const std::string long_text(k_max_jsonl_line_bytes, 'a');
        const std::string deep = std::string(100, '[') + std::string(100, ']');
        auto path = dir.write("bounds.jsonl", "{\"text\":\"" + long_text +
                                                  "\"}\n{\"id\":\"d\",\"x\":" + deep +
                                                  ",\"text\":\"A.\"}\n{\"id\":\"ok\","
                                                  "\"text\":\"Fine.\"}");
        auto items = read_all({path.string()});
        REQUIRE(items.size() == 3);
        CHECK(items[0].kind == InputItem::Kind::error);
        CHECK(items[0].value == path.string() + ":1: line longer than " +
                                    std::to_string(k_max_jsonl_line_bytes) + " bytes");
        CHECK(items[1].kind == InputItem::Kind::error);
        CHECK(items[1].value == path.string() + ":2: nests JSON deeper than 64 levels");
        CHECK(items[2].id == "ok");
        CHECK(items[2].value == "Fine.");
    }
}
