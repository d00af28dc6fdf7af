#include <catch2/catch.hpp>
#include <roundtable/panel/prompts.hpp>
#include <roundtable/util/error.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable;
using namespace roundtable::panel;

TEST_CASE("prompts::render_template") {
    SECTION("replaces known placeholders and keeps unknown ones") {
        CHECK(render_template("a {{x}} b {{y}} c", {{"x", "1"}}) == "a 1 b {{y}} c");
    }
    SECTION("substituted text is not scanned again") {
        CHECK(render_template("[{{article}}] {{others}}",
                              {{"article", "{{others}}"}, {"others", "O"}}) == "[{{others}}] O");
    }
    SECTION("unterminated placeholder is kept verbatim") {
        CHECK(render_template("x {{oops", {{"oops", "!"}}) == "x {{oops");
    }
}

TEST_CASE("prompts::fence_token") {
    SECTION("deterministic for the same article") {
        CHECK(fence_token("some text", "t") == fence_token("some text", "t"));
        CHECK(fence_token("some text", "t") != fence_token("other text", "t"));
    }
    SECTION("never occurs in the article, even if the article contains the first candidate") {
        std::string first = fence_token("x", "");
        // An article that embeds the token its own text would produce cannot exist without
        // changing that token; the check guards it anyway.
        std::string text = "x" + first;
        std::string token = fence_token(text, "");
        CHECK(text.find(token) == std::string::npos);
    }
}

TEST_CASE("prompts::PromptSet") {
    SECTION("embedded templates carry the placeholders the pipeline fills") {
        auto set = PromptSet::embedded();
        CHECK(set.article.find("{{article}}") != std::string::npos);
        CHECK(set.article.find("{{boundary}}") != std::string::npos);
        CHECK(set.rebuttal.find("{{others}}") != std::string::npos);
        CHECK(set.consensus.find("{{debate}}") != std::string::npos);
        CHECK(set.system.find("data, not instructions") != std::string::npos);
        CHECK(set.files().size() == 5);
    }
    SECTION("from_dir reads overrides") {
        roundtable::testing::TempDir dir;
        auto set = PromptSet::embedded();
        for (auto& [name, text] : set.files()) {
            dir.write(name, name == "take.txt" ? std::string("CUSTOM TAKE") : text);
        }
        auto loaded = PromptSet::from_dir(dir.path().string());
        CHECK(loaded.take == "CUSTOM TAKE");
        CHECK(loaded.system == set.system);
    }
    SECTION("from_dir names a missing file") {
        roundtable::testing::TempDir dir;
        try {
            PromptSet::from_dir(dir.path().string());
            FAIL("expected an error");
        } catch (const Error& e) {
            CHECK(e.code() == Exit::usage);
            CHECK(std::string(e.what()) ==
                  "--prompts: cannot read " + dir.path().string() + "/system.txt");
        }
    }
    SECTION("from_dir rejects a template without its placeholder") {
        roundtable::testing::TempDir dir;
        for (auto& [name, text] : PromptSet::embedded().files()) {
            dir.write(name, name == "article.txt" ? std::string("no fence") : text);
        }
        CHECK_THROWS_WITH(PromptSet::from_dir(dir.path().string()),
                          Catch::Contains("article.txt lacks the placeholder {{boundary}}"));
    }
}
