#include <catch2/catch.hpp>
#include <roundtable/config/prices.hpp>
#include <roundtable/util/error.hpp>
#include <string>

using roundtable::Error;
using roundtable::Exit;
using roundtable::config::Price;
using roundtable::config::PriceTable;

namespace {

constexpr std::int64_t k_million = 1'000'000;

// Returns the message of the Error that merging `text` throws, or "" if none.
std::string merge_error(const std::string& text) {
    PriceTable table = PriceTable::builtin();
    try {
        table.merge_toml(text, "my.toml");
    } catch (const Error& error) {
        CHECK(error.code() == Exit::config);
        return error.what();
    }
    return "";
}

} // namespace

TEST_CASE("prices::builtin") {
    const PriceTable& table = PriceTable::builtin();

    SECTION("default models per provider") {
        CHECK(table.default_model("anthropic") == "claude-sonnet-4-6");
        CHECK(table.default_model("openai") == "gpt-5");
        CHECK(table.default_model("gemini") == "gemini-2.5-pro");
        CHECK(table.default_model("xai") == "grok-4");
        CHECK_FALSE(table.default_model("offline").has_value());
        CHECK_FALSE(table.default_model("openai-compatible").has_value());
    }
    SECTION("every default model has a price") {
        for (const char* provider : {"anthropic", "openai", "gemini", "xai"}) {
            const auto model = table.default_model(provider);
            REQUIRE(model.has_value());
            const auto price = table.find(provider, *model);
            REQUIRE(price.has_value());
            CHECK(price->input > 0);
            CHECK(price->output > price->input);
        }
    }
    SECTION("known prices") {
        const auto sonnet = table.find("anthropic", "claude-sonnet-4-6");
        REQUIRE(sonnet.has_value());
        CHECK(sonnet->input == Approx(3.0));
        CHECK(sonnet->output == Approx(15.0));
        const auto gpt5 = table.find("openai", "gpt-5");
        REQUIRE(gpt5.has_value());
        CHECK(gpt5->cached_input == Approx(0.125));
        const auto fast = table.find("xai", "grok-4-fast-non-reasoning");
        REQUIRE(fast.has_value());
        CHECK(fast->output == Approx(0.50));
        CHECK(table.find("gemini", "gemini-2.5-flash").has_value());
    }
    SECTION("unknown models and providers are not found") {
        CHECK_FALSE(table.find("anthropic", "claude-nonexistent").has_value());
        CHECK_FALSE(table.find("offline", "bull").has_value());
        CHECK_FALSE(table.find("openai", "claude-sonnet-4-6").has_value());
    }
}

TEST_CASE("prices::cost") {
    const PriceTable& table = PriceTable::builtin();

    SECTION("1M input + 1M output of claude-sonnet-4-6 is $18") {
        CHECK(table.cost("anthropic", "claude-sonnet-4-6", k_million, k_million) == Approx(18.0));
    }
    SECTION("cached tokens are billed at the cached rate") {
        // 1M input of which 1M cached: 0.125 for gpt-5, not 1.25.
        CHECK(table.cost("openai", "gpt-5", k_million, 0, k_million) == Approx(0.125));
        // Half cached: 0.5 * 1.25 + 0.5 * 0.125.
        CHECK(table.cost("openai", "gpt-5", k_million, 0, k_million / 2) == Approx(0.6875));
    }
    SECTION("cache writes are billed at the cache-write rate") {
        CHECK(table.cost("anthropic", "claude-sonnet-4-6", k_million, 0, 0, k_million) ==
              Approx(3.75));
    }
    SECTION("without a cache-write rate, writes cost the input rate") {
        CHECK(table.cost("openai", "gpt-5", k_million, 0, 0, k_million) == Approx(1.25));
    }
    SECTION("an unknown model costs 0") {
        CHECK(table.cost("anthropic", "claude-nonexistent", k_million, k_million) == 0.0);
        CHECK(table.cost("offline", "bull", k_million, k_million) == 0.0);
    }
    SECTION("negative counts count as zero") {
        CHECK(table.cost("anthropic", "claude-sonnet-4-6", -5, k_million) == Approx(15.0));
    }
}

TEST_CASE("prices::merge_toml") {
    SECTION("[models] overrides a price field by field and adds models") {
        PriceTable table = PriceTable::builtin();
        table.merge_toml("[models.anthropic.\"claude-sonnet-4-6\"]\ninput = 2\n"
                         "[models.openai-compatible.\"llama3.1:8b\"]\ninput = 0.1\noutput = 0.2\n",
                         "my.toml");
        const auto sonnet = table.find("anthropic", "claude-sonnet-4-6");
        REQUIRE(sonnet.has_value());
        CHECK(sonnet->input == Approx(2.0));
        CHECK(sonnet->output == Approx(15.0));
        CHECK(table.cost("anthropic", "claude-sonnet-4-6", k_million, k_million) == Approx(17.0));
        CHECK(table.cost("openai-compatible", "llama3.1:8b", k_million, k_million) == Approx(0.3));
        // The built-in table is untouched.
        CHECK(PriceTable::builtin().find("anthropic", "claude-sonnet-4-6")->input == Approx(3.0));
    }
    SECTION("[defaults] changes a provider's default model") {
        PriceTable table = PriceTable::builtin();
        table.merge_toml("[defaults]\nopenai = \"gpt-5-mini\"\n", "my.toml");
        CHECK(table.default_model("openai") == "gpt-5-mini");
        CHECK(table.default_model("anthropic") == "claude-sonnet-4-6");
    }
    SECTION("other top-level tables are ignored") {
        PriceTable table;
        table.merge_toml("[panel]\nquorum = 2\n", "my.toml");
        CHECK_FALSE(table.default_model("openai").has_value());
    }
    SECTION("set and find") {
        PriceTable table;
        table.set("xai", "grok-9", Price{1, 2, 0, 0});
        table.set_default_model("xai", "grok-9");
        CHECK(table.find("xai", "grok-9")->output == Approx(2.0));
        CHECK(table.default_model("xai") == "grok-9");
    }
    SECTION("unknown field") {
        CHECK(merge_error("\n[models.openai.\"gpt-5\"]\ninptu = 1\n") ==
              "my.toml:3: unknown key 'models.openai.gpt-5.inptu'");
    }
    SECTION("unknown provider") {
        CHECK(merge_error("[models.acme.m]\ninput = 1\n") ==
              "my.toml:1: unknown key 'models.acme' (providers: anthropic, openai, gemini, xai, "
              "openai-compatible)");
        CHECK(
            merge_error("[defaults]\noffline = \"bull\"\n") ==
            "my.toml:2: unknown key 'defaults.offline' (providers: anthropic, openai, gemini, xai, "
            "openai-compatible)");
    }
    SECTION("wrong types") {
        CHECK(merge_error("[models.openai.\"gpt-5\"]\ninput = \"cheap\"\n") ==
              "my.toml:2: 'models.openai.gpt-5.input' must be a number");
        CHECK(merge_error("[models.openai.\"gpt-5\"]\ninput = -1\n") ==
              "my.toml:2: 'models.openai.gpt-5.input' must be a non-negative number");
        CHECK(merge_error("[models.openai]\n\"gpt-5\" = 3\n") ==
              "my.toml:2: 'models.openai.gpt-5' must be a table");
        CHECK(merge_error("[defaults]\nopenai = 5\n") ==
              "my.toml:2: 'defaults.openai' must be a model id (a non-empty string)");
        CHECK(merge_error("models = 1\n") == "my.toml:1: 'models' must be a table");
    }
    SECTION("parse error with line and column") {
        CHECK_THAT(merge_error("[models\n"), Catch::StartsWith("my.toml:1:"));
        const std::string message = merge_error("[defaults]\nopenai = \n");
        CHECK_THAT(message, Catch::StartsWith("my.toml:2:"));
        CHECK(message.size() > std::string("my.toml:2:9: ").size());
    }
}
