#include <catch2/catch.hpp>
#include <roundtable/config/catalogue.hpp>
#include <roundtable/util/error.hpp>
#include <set>
#include <string>

using roundtable::Error;
using roundtable::Exit;
using roundtable::config::Catalogue;
using roundtable::config::ModelEntry;
using roundtable::providers::Effort;
using roundtable::providers::ReasoningControl;

namespace {

constexpr std::int64_t k_million = 1'000'000;

// Returns the message of the Error that merging `text` throws, or "" if none.
std::string merge_error(const std::string& text) {
    Catalogue table = Catalogue::builtin();
    try {
        table.merge_toml(text, "my.toml");
    } catch (const Error& error) {
        CHECK(error.code() == Exit::config);
        return error.what();
    }
    return "";
}

} // namespace

TEST_CASE("catalogue::builtin") {
    const Catalogue& table = Catalogue::builtin();

    SECTION("default models are each provider's current balanced model") {
        CHECK(table.default_model("anthropic") == "claude-sonnet-5-5");
        CHECK(table.default_model("openai") == "gpt-6.2-sol");
        CHECK(table.default_model("gemini") == "gemini-4-neon");
        CHECK(table.default_model("xai") == "grok-4.7");
        CHECK_FALSE(table.default_model("offline").has_value());
        CHECK_FALSE(table.default_model("openai-compatible").has_value());
    }
    SECTION("every default is listed, current, priced, reasoning with an effort control") {
        for (const char* provider : {"anthropic", "openai", "gemini", "xai"}) {
            const auto model = table.default_model(provider);
            REQUIRE(model.has_value());
            const ModelEntry* entry = table.find(provider, *model);
            REQUIRE(entry != nullptr);
            CHECK_FALSE(entry->legacy);
            CHECK(entry->price.input > 0);
            CHECK(entry->price.output > entry->price.input);
            CHECK(entry->traits.listed);
            CHECK(entry->traits.control == ReasoningControl::effort);
            CHECK(entry->traits.thinks_at(Effort::medium));
            CHECK((entry->traits.max_output == 0 ||
                   entry->traits.max_output >= 16384 + 2048)); // a medium take fits
        }
    }
    SECTION("every entry names its source and has three effort values when it has a control") {
        std::size_t count = 0;
        for (const ModelEntry* entry : table.entries()) {
            INFO(entry->provider << " " << entry->id);
            CHECK_THAT(entry->source, Catch::Contains("read 2026-11-30"));
            if (entry->traits.control != ReasoningControl::none) {
                CHECK_FALSE(entry->traits.value_for(Effort::low).empty());
                CHECK_FALSE(entry->traits.value_for(Effort::high).empty());
            }
            ++count;
        }
        CHECK(count >= 30);
    }
    SECTION("known prices and traits") {
        const ModelEntry* sonnet = table.find("anthropic", "claude-sonnet-5-5");
        REQUIRE(sonnet != nullptr);
        CHECK(sonnet->price.input == Approx(2.0));
        CHECK(sonnet->price.output == Approx(10.0));
        CHECK(sonnet->price.batch_discount == Approx(0.5));
        CHECK_FALSE(sonnet->traits.sampling);
        CHECK(sonnet->traits.default_effort == Effort::high);
        const ModelEntry* haiku = table.find("anthropic", "claude-haiku-4-5");
        REQUIRE(haiku != nullptr);
        CHECK(haiku->legacy);
        CHECK(haiku->traits.control == ReasoningControl::budget);
        CHECK_FALSE(haiku->traits.thinks_at(Effort::low));
        CHECK(haiku->traits.thinks_at(Effort::medium));
        const ModelEntry* grok4 = table.find("xai", "grok-4");
        REQUIRE(grok4 != nullptr);
        CHECK(grok4->traits.control == ReasoningControl::none);
        CHECK(grok4->traits.thinks_at(Effort::low));
        CHECK(table.find("gemini", "gemini-2.5-flash") != nullptr);
    }
    SECTION("reasoning allowances and timeouts grow with the effort; medium by default") {
        CHECK(table.default_effort() == Effort::medium);
        CHECK(table.reasoning(Effort::low).tokens < table.reasoning(Effort::medium).tokens);
        CHECK(table.reasoning(Effort::medium).tokens < table.reasoning(Effort::high).tokens);
        CHECK(table.reasoning(Effort::low).timeout_s < table.reasoning(Effort::high).timeout_s);
        CHECK(table.reasoning(Effort::high).timeout_s >= 600);
    }
    SECTION("unknown models and providers are not found; unlisted traits are the safe ones") {
        CHECK(table.find("anthropic", "claude-nonexistent") == nullptr);
        CHECK(table.find("offline", "bull") == nullptr);
        CHECK(table.find("openai", "claude-sonnet-5-5") == nullptr);
        const auto unlisted = table.traits("openai", "gpt-9");
        CHECK_FALSE(unlisted.listed);
        CHECK_FALSE(unlisted.sampling);
        CHECK(unlisted.control == ReasoningControl::none);
        CHECK(unlisted.thinks_at(Effort::medium));
        const auto local = table.traits("openai-compatible", "llama3.1:8b");
        CHECK(local.sampling);
        CHECK_FALSE(local.thinks_at(Effort::medium));
    }
}

TEST_CASE("catalogue::cost") {
    const Catalogue& table = Catalogue::builtin();

    SECTION("1M input + 1M output of claude-sonnet-5-5 is $12") {
        CHECK(table.cost("anthropic", "claude-sonnet-5-5", k_million, k_million) == Approx(12.0));
    }
    SECTION("cached tokens are billed at the cached rate") {
        // 1M input of which 1M cached: 0.125 for gpt-5, not 1.25.
        CHECK(table.cost("openai", "gpt-5", k_million, 0, k_million) == Approx(0.125));
        // Half cached: 0.5 * 1.25 + 0.5 * 0.125.
        CHECK(table.cost("openai", "gpt-5", k_million, 0, k_million / 2) == Approx(0.6875));
    }
    SECTION("cache writes are billed at the cache-write rate") {
        CHECK(table.cost("anthropic", "claude-sonnet-5-5", k_million, 0, 0, k_million) ==
              Approx(2.50));
    }
    SECTION("without a cache-write rate, writes cost the input rate") {
        CHECK(table.cost("openai", "gpt-5", k_million, 0, 0, k_million) == Approx(1.25));
    }
    SECTION("long prompts are billed at the long-context rates") {
        // gpt-6.2-sol: above 272k input tokens, input x2 and output x1.5.
        CHECK(table.cost("openai", "gpt-6.2-sol", 272'000, 0) == Approx(0.272 * 2.0));
        CHECK(table.cost("openai", "gpt-6.2-sol", 300'000, k_million) == Approx(0.3 * 4.0 + 15.0));
        // claude-haiku-5-5: priced by prompt length, up to and over 100k tokens.
        CHECK(table.cost("anthropic", "claude-haiku-5-5", 100'000, 0) == Approx(0.1 * 0.10));
        CHECK(table.cost("anthropic", "claude-haiku-5-5", 200'000, 0) == Approx(0.2 * 0.50));
    }
    SECTION("the batch rate takes the discount off every rate") {
        CHECK(table.cost("anthropic", "claude-sonnet-5-5",
                         roundtable::config::BilledTokens{k_million, k_million, 0, 0},
                         true) == Approx(6.0));
    }
    SECTION("an unknown model costs 0") {
        CHECK(table.cost("anthropic", "claude-nonexistent", k_million, k_million) == 0.0);
        CHECK(table.cost("offline", "bull", k_million, k_million) == 0.0);
    }
    SECTION("negative counts count as zero") {
        CHECK(table.cost("anthropic", "claude-sonnet-5-5", -5, k_million) == Approx(10.0));
    }
}

TEST_CASE("catalogue::merge_toml") {
    SECTION("[models] overrides a model field by field and adds models") {
        Catalogue table = Catalogue::builtin();
        table.merge_toml("[models.anthropic.\"claude-sonnet-4-6\"]\ninput = 2\n"
                         "[models.openai-compatible.\"llama3.1:8b\"]\ninput = 0.1\noutput = 0.2\n",
                         "my.toml");
        const ModelEntry* sonnet = table.find("anthropic", "claude-sonnet-4-6");
        REQUIRE(sonnet != nullptr);
        CHECK(sonnet->price.input == Approx(2.0));
        CHECK(sonnet->price.output == Approx(15.0));
        CHECK(sonnet->traits.sampling); // the fields left out keep the built-in values
        CHECK(sonnet->legacy);
        CHECK(table.cost("anthropic", "claude-sonnet-4-6", k_million, k_million) == Approx(17.0));
        CHECK(table.cost("openai-compatible", "llama3.1:8b", k_million, k_million) == Approx(0.3));
        // The built-in table is untouched.
        CHECK(Catalogue::builtin().find("anthropic", "claude-sonnet-4-6")->price.input ==
              Approx(3.0));
    }
    SECTION("a new model starts from the safe assumptions of its provider, then its fields") {
        Catalogue table = Catalogue::builtin();
        table.merge_toml("[models.openai.\"gpt-7-mini\"]\ninput = 0.5\noutput = 4\n"
                         "reasoning = \"always\"\ncontrol = \"effort\"\n"
                         "efforts = [\"minimal\", \"low\", \"high\"]\nmax_output = 64_000\n",
                         "my.toml");
        const ModelEntry* mini = table.find("openai", "gpt-7-mini");
        REQUIRE(mini != nullptr);
        CHECK(mini->traits.listed);
        CHECK_FALSE(mini->traits.sampling);
        CHECK(mini->traits.value_for(Effort::low) == "minimal");
        CHECK(mini->traits.value_for(Effort::medium) == "low");
        CHECK(mini->traits.max_output == 64'000);
        CHECK_FALSE(mini->legacy);
    }
    SECTION("[defaults] changes a provider's default model") {
        Catalogue table = Catalogue::builtin();
        table.merge_toml("[defaults]\nopenai = \"gpt-5-mini\"\n", "my.toml");
        CHECK(table.default_model("openai") == "gpt-5-mini");
        CHECK(table.default_model("anthropic") == "claude-sonnet-5-5");
    }
    SECTION("[reasoning] changes the allowances and the default effort") {
        Catalogue table = Catalogue::builtin();
        table.merge_toml("[reasoning]\ndefault_effort = \"low\"\n[reasoning.high]\ntokens = "
                         "50000\n",
                         "my.toml");
        CHECK(table.default_effort() == Effort::low);
        CHECK(table.reasoning(Effort::high).tokens == 50000);
        CHECK(table.reasoning(Effort::high).timeout_s ==
              Catalogue::builtin().reasoning(Effort::high).timeout_s);
    }
    SECTION("other top-level tables are ignored") {
        Catalogue table;
        table.merge_toml("[panel]\nquorum = 2\n", "my.toml");
        CHECK_FALSE(table.default_model("openai").has_value());
    }
    SECTION("set and find") {
        Catalogue table;
        ModelEntry entry;
        entry.provider = "xai";
        entry.id = "grok-9";
        entry.price.input = 1;
        entry.price.output = 2;
        table.set(entry);
        table.set_default_model("xai", "grok-9");
        CHECK(table.find("xai", "grok-9")->price.output == Approx(2.0));
        CHECK(table.default_model("xai") == "grok-9");
    }
    SECTION("bad reasoning fields") {
        CHECK(merge_error("[models.openai.m]\nreasoning = \"sometimes\"\n") ==
              "my.toml:2: 'models.openai.m.reasoning' must be one of none, opt-in, default, "
              "always (got 'sometimes')");
        CHECK(merge_error("[models.openai.m]\nreasoning = \"always\"\ncontrol = \"effort\"\n") ==
              "my.toml:1: 'models.openai.m' has control = \"effort\" but no efforts = [low, "
              "medium, high]");
        CHECK(merge_error("[models.openai.m]\nefforts = [\"low\", \"high\"]\n") ==
              "my.toml:2: 'models.openai.m.efforts' must list three values: the model's setting "
              "for low, medium and high");
        CHECK(merge_error("[models.gemini.m]\nreasoning = \"always\"\ncontrol = \"budget\"\n"
                          "efforts = [\"low\", \"medium\", \"high\"]\n") ==
              "my.toml:1: 'models.gemini.m' has a budget control: its efforts must be token "
              "counts, got 'low'");
        CHECK(merge_error("[models.openai.m]\nbatch_discount = 1.5\n") ==
              "my.toml:2: 'models.openai.m.batch_discount' must be a share below 1 (0.5 is half "
              "price)");
        CHECK(merge_error("[reasoning]\ndefault_effort = \"max\"\n") ==
              "my.toml:2: 'reasoning.default_effort' must be one of low, medium, high (got 'max')");
        CHECK(merge_error("[reasoning.xhigh]\ntokens = 1\n") ==
              "my.toml:1: unknown key 'reasoning.xhigh' (low, medium, high or default_effort)");
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
