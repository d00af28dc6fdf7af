// Main-content extraction over pages written for this project that reproduce
// real structures (tests/data/pages: NAME.html, the expected body NAME.txt, the
// expected metadata NAME.meta), and the errors of pages that have no article.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <roundtable/article/article.hpp>
#include <roundtable/article/dom.hpp>
#include <roundtable/article/encoding.hpp>
#include <roundtable/article/extract.hpp>
#include <roundtable/article/metadata.hpp>
#include <roundtable/article/normalize.hpp>
#include <roundtable/util/error.hpp>
#include <sstream>
#include <string>

using namespace roundtable::article;
namespace fs = std::filesystem;

namespace {

const fs::path k_pages = fs::path(RT_SOURCE_DIR) / "tests" / "data" / "pages";

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::map<std::string, std::string> read_meta(const fs::path& path) {
    std::map<std::string, std::string> meta;
    std::istringstream in(slurp(path));
    std::string line;
    while (std::getline(in, line)) {
        const std::size_t colon = line.find(':');
        if (colon != std::string::npos) {
            meta[line.substr(0, colon)] = normalize_line(line.substr(colon + 1));
        }
    }
    return meta;
}

std::string error_of(const std::string& html) {
    try {
        (void)from_bytes(html, "p.html");
    } catch (const roundtable::Error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("extract::pages") {
    std::size_t pages = 0;
    for (const auto& entry : fs::directory_iterator(k_pages)) {
        if (entry.path().extension() != ".html") {
            continue;
        }
        ++pages;
        const std::string name = entry.path().stem().string();
        fs::path expected = entry.path();
        const Article article = from_bytes(slurp(entry.path()), name);
        INFO(name);
        CHECK(article.warnings.empty());
        CHECK(article.text == normalize_text(slurp(expected.replace_extension(".txt"))));
        const auto meta = read_meta(expected.replace_extension(".meta"));
        CHECK(article.title == meta.at("title"));
        CHECK(article.byline == meta.at("byline"));
        CHECK(article.published == meta.at("published"));
        CHECK(article.site == meta.at("site"));
    }
    CHECK(pages >= 10);
}

TEST_CASE("extract::boilerplate") {
    SECTION("a div soup keeps neither the cookie banner nor related links nor comments") {
        const Article article = from_bytes(slurp(k_pages / "div-soup.html"), "div-soup.html");
        for (const char* boilerplate : {"cookies", "Related stories", "$4,800", "Comments (214)",
                                        "$500", "Advertisement", "All rights reserved", "By Ana"}) {
            INFO(boilerplate);
            CHECK(article.text.find(boilerplate) == std::string::npos);
        }
        CHECK(article.text.starts_with("Halvorsen Foods on Tuesday cut"));
    }
    SECTION("a heading that repeats the title is left out of the body") {
        const Article article = from_bytes(
            "<html><head><title>Rates rise - Wire</title></head><body><article><h1>Rates "
            "rise</h1><p>The central bank raised its main rate by a quarter point on Thursday, "
            "to 4.5%, its highest level in 16 years.</p></article></body></html>",
            "x.html");
        CHECK(article.title == "Rates rise");
        CHECK(article.text == "The central bank raised its main rate by a quarter point on "
                              "Thursday, to 4.5%, its highest level in 16 years.");
    }
    SECTION("a paragraph repeated verbatim is kept: only short repeated blocks go") {
        const std::string paragraph =
            "<p>Output rose 4% in the quarter, the company said, as new plants opened in "
            "Ohio and Texas and older ones ran at full capacity.</p>";
        const Article article = from_bytes("<html><body><div><p>Share this</p>" + paragraph +
                                               paragraph + "<p>Share this</p></div></body></html>",
                                           "x.html");
        CHECK(article.text.find("Output rose") != article.text.rfind("Output rose"));
        CHECK(article.text.find("Share this") == article.text.rfind("Share this"));
    }
}

TEST_CASE("extract::no_article") {
    SECTION("a login wall is refused, naming why") {
        CHECK(error_of("<html><head><title>Sign in</title></head><body><form action=/login>"
                       "<label>Email <input name=email></label><label>Password <input "
                       "type=password name=pw></label><button>Sign in</button></form>"
                       "</body></html>") ==
              "p.html: input has no article text: a sign-in form and no article (a login wall)");
    }
    SECTION("an empty shell loaded by scripts is refused, naming why") {
        CHECK(error_of("<!doctype html><html><head><title>App</title><script "
                       "src=/app.js></script></head><body><div id=root></div><script>"
                       "window.boot({route: '/story/1'});</script></body></html>") ==
              "p.html: input has no article text: an empty shell whose content is loaded by "
              "scripts");
    }
    SECTION("a page of nothing but whitespace markup has no text") {
        CHECK(error_of("<html><body><div> </div></body></html>") == "p.html: input has no text");
    }
}

TEST_CASE("extract::strip_site_name") {
    CHECK(strip_site_name("Rates rise | MarketWire", "MarketWire") == "Rates rise");
    CHECK(strip_site_name("MarketWire | Rates rise", "MarketWire") == "Rates rise");
    CHECK(strip_site_name("Rates rise as inflation sticks - The Daily Ledger", "") ==
          "Rates rise as inflation sticks");
    CHECK(strip_site_name("Rates rise for a third time - Markets | MarketWire", "MarketWire") ==
          "Rates rise for a third time");
    SECTION("a headline with a dash of its own stays whole") {
        CHECK(strip_site_name("Fed - the case for patience is fading fast", "") ==
              "Fed - the case for patience is fading fast");
    }
}

TEST_CASE("encoding::declared_charset") {
    CHECK(declared_charset("<meta charset=\"ISO-8859-2\">") == "iso-8859-2");
    CHECK(declared_charset("<html><head><META HTTP-EQUIV=\"Content-Type\" "
                           "CONTENT=\"text/html; charset=Shift_JIS\">") == "shift_jis");
    CHECK(declared_charset("<?xml version=\"1.0\" encoding='windows-1251'?><html>") ==
          "windows-1251");
    CHECK(declared_charset("<html><head><title>x</title>") == "");
}

TEST_CASE("encoding::to_utf8") {
    CHECK(to_utf8("caf\xE9 \x93q\x94", "iso-8859-1") == "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D");
    CHECK(to_utf8("\xCF\xF0\xE8\xE2\xE5\xF2", "windows-1251") ==
          "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
    CHECK_FALSE(to_utf8("abc", "no-such-charset").has_value());
}

TEST_CASE("dom::parsers") {
    SECTION("libxml2 (loaded at first use) and gumbo (its fallback) give the same article") {
        for (const auto& entry : fs::directory_iterator(k_pages)) {
            if (entry.path().extension() != ".html") {
                continue;
            }
            std::string html = slurp(entry.path());
            if (const std::string charset = declared_charset(html);
                !charset.empty() && charset != "utf-8") {
                html = to_utf8(html, charset).value();
            }
            INFO(entry.path().filename().string());
            const Dom fast(html);
            const Dom fallback(html, Parser::gumbo);
            CHECK(fast.parsed_by_libxml2());
            CHECK_FALSE(fallback.parsed_by_libxml2());
            CHECK(normalize_text(extract_content(fast, "")) ==
                  normalize_text(extract_content(fallback, "")));
            CHECK(read_metadata(fast).title == read_metadata(fallback).title);
        }
    }
    SECTION("XHTML names with a namespace prefix read as their local names") {
        const Dom dom("<x:div class=\"a\"><x:p>One paragraph of text.</x:p></x:div>");
        bool found = false;
        for (const DomNode& node : dom.nodes()) {
            found = found || (!node.is_text && node.tag == GUMBO_TAG_P);
        }
        CHECK(found);
    }
}
