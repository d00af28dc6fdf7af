// End to end: the grounding guard on a card from four seats on the loopback
// fake server, for an article in UK house style whose figures the seats cite
// in US and wire-service styles (nothing may be flagged), and with one seat
// planting invented figures (exactly those are flagged, against that seat).
#include <algorithm>
#include <catch2/catch.hpp>
#include <fake/fake_panel.hpp>
#include <fake/replies.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;
using nlohmann::json;

namespace {

const std::map<std::string, std::string> k_keys{{"ANTHROPIC_API_KEY", "SENTINEL-GUARDS-1"},
                                                {"OPENAI_API_KEY", "SENTINEL-GUARDS-2"},
                                                {"GEMINI_API_KEY", "SENTINEL-GUARDS-3"},
                                                {"XAI_API_KEY", "SENTINEL-GUARDS-4"}};

// Written for this test in UK house style: £312.5m, 6.2 per cent, 142p, 4.1p a share.
constexpr const char* k_uk_article =
    "Brackwell profit climbs as completions rise\n\n"
    "Brackwell plc, the FTSE 250 housebuilder, reported pre-tax profit of \xC2\xA3"
    "312.5m for the year to 31 March, up 6.2 per cent. Revenue rose to \xC2\xA3"
    "2.1bn.\n\n"
    "The board proposed a final dividend of 4.1p a share, taking the total for the year to "
    "12.3p. The shares closed at 142p, and the group is worth \xC2\xA3"
    "41m more than in January.\n\n"
    "Net debt fell by a third to \xC2\xA3"
    "88m. Completions rose 19 per cent to 3,412 homes at an average price of \xC2\xA3"
    "286,000. The Bank of England's rise of 25 basis points weighed on demand, the chief "
    "executive said.\n";

using Objects = std::function<std::string(RoundKind, const std::string& seat)>;

// Points all four protocols of `fake` at `objects`, each in its own wire format.
void script(FakePanel& fake, const Objects& objects) {
    fake.server.set_handler("/v1/messages", [objects](const RecordedRequest& r) {
        const RoundKind round = round_of(r.body);
        const char* tool = round == RoundKind::take       ? "submit_take"
                           : round == RoundKind::rebuttal ? "submit_rebuttal"
                                                          : "submit_consensus";
        return json_reply(200, anthropic_tool_reply(tool, objects(round, "claude")));
    });
    fake.server.set_handler("/v1/chat/completions", [objects](const RecordedRequest& r) {
        return json_reply(200, openai_text_reply(objects(round_of(r.body), "gpt")));
    });
    fake.server.set_handler("/xai/v1/chat/completions", [objects](const RecordedRequest& r) {
        return json_reply(
            200, openai_text_reply(objects(round_of(r.body), "grok"), {}, "stop", "grok-4"));
    });
    fake.server.set_handler(
        "/v1beta/models/gemini-2.5-pro:generateContent", [objects](const RecordedRequest& r) {
            return json_reply(200, gemini_text_reply(objects(round_of(r.body), "gemini")));
        });
}

// What each seat says: the article's figures in US and wire-service styles.
std::string us_style(RoundKind round, const std::string& seat, const std::string& planted = "") {
    switch (round) {
    case RoundKind::take:
        return json{{"stance", seat == "grok" ? "bullish" : "bearish"},
                    {"confidence", 0.7},
                    {"headline", "Profit up 6.2% to 312.5 million pounds for the year to March 31"},
                    {"analysis", "Revenue reached GBP 2.1 billion and the final dividend is 4.1 "
                                 "pence; at \xC2\xA3"
                                 "1.42 a share the group is worth 41 million pounds more than in "
                                 "January. Net debt fell 33% to GBP 88m, completions rose 19% to "
                                 "3412 homes at an average of \xC2\xA3"
                                 "286k, and a 0.25 percentage point rate rise weighs on demand." +
                                     planted},
                    {"counterpoint", "The FTSE 250 builder pays a total of 12.3 pence, and a 25bp "
                                     "rise is small."},
                    {"evidence", {"Completions rose 19 per cent to 3,412 homes"}}}
            .dump();
    case RoundKind::rebuttal:
        return json{{"responds_to", {seat == "claude" ? "gpt" : "claude"}},
                    {"headline", "Debt is down by 33%"},
                    {"text", "Net debt is GBP 88 million, and the shares at 142 pence are 41m "
                             "pounds dearer."},
                    {"stance_after", seat == "grok" ? "bullish" : "bearish"},
                    {"confidence_after", 0.7}}
            .dump();
    case RoundKind::consensus:
        return json{{"summary", "Profit rose 6.2% to \xC2\xA3"
                                "312.5 million in the year to March 31."},
                    {"risk", "Rate rises of 0.25 percentage points weigh on demand."},
                    {"opportunity", "A total dividend of \xC2\xA3"
                                    "0.123 a share."}}
            .dump();
    }
    return "{}";
}

RunResult run_card(const FakePanel& fake, TempDir& dir, const std::vector<std::string>& extra) {
    RunSpec spec;
    const auto article = dir.write("brackwell.txt", k_uk_article);
    const auto cfg = dir.write("config.toml", fake.config());
    spec.args = {article.string(), "--config", cfg.string()};
    spec.args.insert(spec.args.end(), extra.begin(), extra.end());
    spec.env = k_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    spec.timeout = std::chrono::seconds(60);
    return run_binary(spec);
}

// The card's recorded match of `claim` in `claims`; "" when it is not there.
std::string match_of(const json& claims, const std::string& claim) {
    for (const auto& c : claims) {
        if (c.at("text") == claim) {
            return c.at("match").get<std::string>();
        }
    }
    return "";
}

} // namespace

TEST_CASE("e2e::guards across house styles") {
    FakePanel fake;
    TempDir dir;

    SECTION("figures cited in another style than the article's are all found") {
        script(fake,
               [](RoundKind round, const std::string& seat) { return us_style(round, seat); });
        const auto r = run_card(fake, dir, {"--format", "json", "--max-ungrounded", "0"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const json card = json::parse(r.out);
        REQUIRE(card.at("takes").size() == 4);
        for (const auto& take : card.at("takes")) {
            INFO(take.dump(2));
            CHECK(take.at("ungrounded").empty());
            CHECK(take.at("claims_checked").get<int>() == 17);
            const json& claims = take.at("claims");
            CHECK(claims.size() == 17);
            for (const auto& claim : claims) {
                CHECK(claim.at("match") != "not_found");
            }
            CHECK(match_of(claims, "\xC2\xA3"
                                   "1.42") == "equivalent_unit");
            CHECK(match_of(claims, "33%") == "equivalent_unit");
            CHECK(match_of(claims, "0.25 percentage point") == "equivalent_unit");
            CHECK(match_of(claims, "312.5 million pounds") == "normalized_number");
            CHECK(match_of(claims, "March 31") == "normalized_date");
            CHECK(match_of(claims, "FTSE 250") == "exact_text");
            CHECK(match_of(claims, "3412") == "exact_text");
        }
        for (const auto& rebuttal : card.at("rebuttals")) {
            CHECK(rebuttal.at("ungrounded").empty());
            CHECK(match_of(rebuttal.at("claims"), "142 pence") == "normalized_number");
        }
        const json& consensus = card.at("consensus");
        CHECK(consensus.at("ungrounded").empty());
        CHECK(match_of(consensus.at("claims"), "\xC2\xA3"
                                               "0.123") == "equivalent_unit");

        // The other formats say the same: nothing ungrounded.
        const auto text = run_card(fake, dir, {"--format", "text"});
        CHECK(text.exit_code == 0);
        CHECK(text.out.find("ungrounded claim") == std::string::npos);
        const auto html = run_card(fake, dir, {"--format", "html"});
        CHECK(html.exit_code == 0);
        CHECK(html.out.find("<td>equivalent unit</td><td>142p</td>") != std::string::npos);
    }

    SECTION("a planted figure is flagged against that seat, and only it") {
        script(fake, [](RoundKind round, const std::string& seat) {
            return us_style(round, seat,
                            seat == "gemini" ? " Pre-tax profit was \xC2\xA3"
                                               "321.5m, and the dividend 4.4p."
                                             : "");
        });
        const auto r = run_card(fake, dir, {"--format", "json", "--max-ungrounded", "0"});
        INFO(r.err);
        CHECK(r.exit_code == 1); // the policy matched; the card is still printed whole
        const json card = json::parse(r.out);
        for (const auto& take : card.at("takes")) {
            const std::vector<std::string> ungrounded = take.at("ungrounded");
            if (take.at("seat") == "gemini") {
                CHECK(ungrounded == std::vector<std::string>{"\xC2\xA3"
                                                             "321.5m",
                                                             "4.4p"});
                CHECK(match_of(take.at("claims"), "\xC2\xA3"
                                                  "321.5m") == "not_found");
            } else {
                INFO(take.at("seat"));
                CHECK(ungrounded.empty());
            }
        }
        CHECK(r.err.find("2 ungrounded claims, over --max-ungrounded 0") != std::string::npos);
        const auto text = run_card(fake, dir, {"--format", "text"});
        const auto guards = text.out.find("GUARDS");
        REQUIRE(guards != std::string::npos);
        CHECK(text.out.find("gemini: ", guards) != std::string::npos);
        CHECK(text.out.find("321.5m", guards) != std::string::npos);
    }
}
