#include <catch2/catch.hpp>
#include <roundtable/article/html.hpp>
#include <roundtable/article/normalize.hpp>
#include <string>

using namespace roundtable::article;

namespace {

// Extracted text, normalized as the reader does.
std::string text_of(std::string_view html) {
    return normalize_text(html_to_text(html).value().text);
}

} // namespace

TEST_CASE("html::looks_like_html") {
    SECTION("doctype and html tag, any case, after whitespace") {
        CHECK(looks_like_html("<!DOCTYPE html><p>x</p>"));
        CHECK(looks_like_html("\n  <!doctype html>"));
        CHECK(looks_like_html("<HTML lang=en><body>x"));
    }
    SECTION("a fragment starting with a structure tag") {
        CHECK(looks_like_html("<p>One.</p><p>Two.</p>"));
        CHECK(looks_like_html("<div class=\"story\">Text</div>"));
        CHECK(looks_like_html("<meta charset=\"utf-8\"><title>T</title>"));
    }
    SECTION("structure tags after some leading text") {
        CHECK(looks_like_html("garbage first\n<head><title>T</title></head><body>x</body>"));
        CHECK(looks_like_html("intro <p>a</p> <p>b</p> <p>c</p>"));
    }
    SECTION("plain text is not HTML") {
        CHECK_FALSE(looks_like_html("Rates rise\n\nThe bank said a < b and b > c."));
        CHECK_FALSE(looks_like_html("The <p> tag starts a paragraph."));
        CHECK_FALSE(looks_like_html("<person> is not a tag we know, nor is <pizza>"));
        CHECK_FALSE(looks_like_html(""));
    }
}

TEST_CASE("html::html_to_text") {
    SECTION("title from <title>, whitespace collapsed") {
        const auto result = *html_to_text("<html><head><title>\n  Markets  rally\n</title></head>"
                                          "<body><h1>Other</h1><p>Body.</p></body></html>");
        CHECK(result.title == "Markets rally");
    }
    SECTION("title from the first <h1> when there is no <title>") {
        const auto result =
            *html_to_text("<html><body><header><h1>Rates <em>rise</em></h1></header>"
                          "<h1>Second</h1><p>Body.</p></body></html>");
        CHECK(result.title == "Rates rise");
    }
    SECTION("no title at all") {
        CHECK(html_to_text("<p>Only a paragraph.</p>").value().title == "");
    }
    SECTION("skipped elements leave no text") {
        const std::string html =
            "<html><head><style>p{color:red}</style><script>var x = 1;</script></head><body>"
            "<nav>Home | World</nav><header>Site header</header>"
            "<p>Kept one.</p><script>alert('no')</script><noscript>Enable JS</noscript>"
            "<aside>Related</aside><form>Search <input></form><svg><text>Chart</text></svg>"
            "<template><p>Template</p></template><div hidden>Hidden</div>"
            "<p>Kept two.</p><footer>Copyright</footer></body></html>";
        CHECK(text_of(html) == "Kept one.\n\nKept two.");
    }
    SECTION("blocks become paragraphs, list items get \"- \", <br> breaks the line") {
        const std::string html = "<body><h2>Head</h2><p>A <b>bold</b> <i>move</i>.</p>"
                                 "<ul><li>one</li><li>two</li></ul>"
                                 "<div>line<br>break</div><blockquote>quote</blockquote></body>";
        CHECK(text_of(html) == "Head\n\nA bold move.\n\n- one\n\n- two\n\nline\nbreak\n\nquote");
    }
    SECTION("newlines inside a paragraph are spaces") {
        CHECK(text_of("<p>one\ntwo\n   three</p>") == "one two three");
    }
    SECTION("pre keeps its line breaks") {
        CHECK(text_of("<pre>a\nb</pre>") == "a\nb");
    }
    SECTION("entities are decoded") {
        CHECK(text_of("<p>AT&amp;T &lt;3 &quot;q&quot; &eacute;t&eacute; 5&nbsp;%</p>") ==
              "AT&T <3 \"q\" \xC3\xA9t\xC3\xA9 5 %");
        CHECK(html_to_text("<title>Q&amp;A</title><p>x</p>").value().title == "Q&A");
    }
    SECTION("the <article> element is preferred over the rest of the page") {
        const std::string html = "<body><div>Cookie banner</div><article><p>Story one.</p>"
                                 "<p>Story two.</p></article><div>Newsletter</div></body>";
        CHECK(text_of(html) == "Story one.\n\nStory two.");
    }
    SECTION("of several articles the largest wins") {
        const std::string html = "<body><article><p>Teaser.</p></article>"
                                 "<article><p>The main story is longer.</p></article></body>";
        CHECK(text_of(html) == "The main story is longer.");
    }
    SECTION("an article inside an aside is not preferred") {
        const std::string html =
            "<body><p>Main text.</p><aside><article>Related story</article></aside></body>";
        CHECK(text_of(html) == "Main text.");
    }
    SECTION("<main> is used when there is no article") {
        const std::string html = "<body><div>Menu</div><main><p>Main story.</p></main></body>";
        CHECK(text_of(html) == "Main story.");
    }
    SECTION("table cells are separated") {
        CHECK(text_of("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>") ==
              "a | b\n\nc");
    }
    SECTION("deep nesting within the limit is extracted iteratively") {
        std::string html;
        for (std::size_t i = 0; i < k_max_html_depth; ++i) {
            html += "<span>";
        }
        html += "deep";
        CHECK(text_of(html) == "deep");
    }
    SECTION("nesting beyond the limit is refused") {
        std::string html;
        for (int i = 0; i < 200000; ++i) {
            html += "<div>";
        }
        const auto result = html_to_text(html);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error() == "HTML nests too deeply (over 1000 levels)");
    }
}

TEST_CASE("html::html_depth") {
    SECTION("nested elements") {
        CHECK(html_depth("<html><body><div><span>x</span></div></body></html>") == 4);
        CHECK(html_depth("<div></div><div><div></div></div>") == 2);
    }
    SECTION("void, self-closing and implicitly closed elements do not nest") {
        CHECK(html_depth("<div><br><img src=x><input/><p>a<p>b<li>c<svg/></div>") == 1);
    }
    SECTION("comments, doctype and script bodies are skipped") {
        CHECK(html_depth("<!doctype html><!-- <div><div> --><script>if (a<b) "
                         "'<div><div>'</script><b>x</b>") == 1);
    }
    SECTION("upper case tags and stray '<' in text") {
        CHECK(html_depth("<DIV><Div>a < b</div></DIV>") == 2);
    }
    SECTION("stops counting past stop_at") {
        std::string html;
        for (int i = 0; i < 100; ++i) {
            html += "<div>";
        }
        CHECK(html_depth(html, 10) == 10);
        CHECK(html_depth(html) == 100);
    }
}
