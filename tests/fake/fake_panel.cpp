#include <fake/fake_panel.hpp>
#include <fake/replies.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <tuple>
#include <vector>

namespace roundtable::testing {

using nlohmann::json;

namespace {

Scripted with_latency(Scripted reply, std::chrono::milliseconds latency) {
    reply.latency = latency;
    return reply;
}

} // namespace

RoundKind round_of(const std::string& body) {
    if (body.find("Task: you chair the panel") != std::string::npos) {
        return RoundKind::consensus;
    }
    if (body.find("Task: the other panelists") != std::string::npos) {
        return RoundKind::rebuttal;
    }
    return RoundKind::take;
}

// The JSON object a seat answers with in each round; figures are from the article.
std::string object_for(RoundKind round, const std::string& stance, const std::string& target) {
    switch (round) {
    case RoundKind::take:
        return json{
            {"stance", stance},
            {"confidence", 0.8},
            {"headline", "The recall costs up to $1.5 billion"},
            {"analysis", "Quarterly revenue fell 18% to $6.4 billion and debt is $9.3 billion."},
            {"counterpoint", "The brand still has loyal buyers."},
            {"evidence", {"Shares fell 23% in early trading"}}}
            .dump();
    case RoundKind::rebuttal:
        return json{{"responds_to", {target}},
                    {"headline", "The debt matters more"},
                    {"text", "$2.1 billion of bonds mature in March 2027."},
                    {"stance_after", stance},
                    {"confidence_after", 0.75}}
            .dump();
    case RoundKind::consensus:
        return json{{"summary", "The panel is bearish: the recall and the debt weigh on Corvane."},
                    {"risk", "Cash burn could breach loan covenants."},
                    {"opportunity", "Loyal buyers may cushion the fall."}}
            .dump();
    }
    return "{}";
}

FakePanel::FakePanel(std::chrono::milliseconds latency, FakeMode mode) : m_latency(latency) {
    if (mode == FakeMode::reasoning) {
        const std::map<std::string, std::pair<std::string, std::string>> seats{
            {"anthropic", {"claude", "grok"}},
            {"openai", {"gpt", "grok"}},
            {"gemini", {"gemini", "grok"}},
            {"xai", {"grok", "claude"}}};
        providers = std::make_unique<FakeProviders>(
            [this, seats](const std::string& provider, const RecordedRequest& r) {
                const auto& [seat, target] = seats.at(provider);
                return object_for(round_of(r.body), stance.at(seat), target);
            });
        server.set_fallback([this](const RecordedRequest& r) {
            std::optional<Scripted> reply = providers->serve(r);
            if (!reply) {
                return json_reply(
                    404, anthropic_error("not_found_error", "fake server: no route for " + r.path));
            }
            return with_latency(std::move(*reply), m_latency);
        });
        return;
    }
    server.set_handler("/v1/messages", [this](const RecordedRequest& r) {
        auto round = round_of(r.body);
        std::string tool = round == RoundKind::take       ? "submit_take"
                           : round == RoundKind::rebuttal ? "submit_rebuttal"
                                                          : "submit_consensus";
        return with_latency(
            json_reply(200,
                       anthropic_tool_reply(tool, object_for(round, stance.at("claude"), "grok"),
                                            {1200, 300, 1000, 0, 0}),
                       {{"request-id", "req_fake_claude"}}),
            m_latency);
    });
    server.set_handler("/v1/chat/completions", [this](const RecordedRequest& r) {
        return with_latency(json_reply(200, openai_text_reply(object_for(round_of(r.body),
                                                                         stance.at("gpt"), "grok"),
                                                              {1000, 200, 0, 0, 50})),
                            m_latency);
    });
    server.set_handler("/xai/v1/chat/completions", [this](const RecordedRequest& r) {
        std::string body =
            openai_text_reply(object_for(round_of(r.body), stance.at("grok"), "claude"),
                              {1000, 200, 0, 0, 0}, "stop", "grok-4");
        if (const std::int64_t ticks = xai_cost_ticks.load(); ticks >= 0) {
            json reply = json::parse(body);
            reply["usage"]["cost_in_usd_ticks"] = ticks;
            body = reply.dump();
        }
        return with_latency(json_reply(200, body), m_latency);
    });
    server.set_handler(
        "/v1beta/models/gemini-2.5-pro:generateContent", [this](const RecordedRequest& r) {
            return with_latency(
                json_reply(200, gemini_text_reply(
                                    object_for(round_of(r.body), stance.at("gemini"), "grok"),
                                    {1000, 200, 0, 0, 0})),
                m_latency);
        });
}

std::string FakePanel::config_with(const std::map<std::string, std::string>& models) const {
    const std::string base = server.base_url();
    const std::vector<std::tuple<std::string, std::string, std::string>> seats{
        {"claude", "anthropic", base},
        {"gpt", "openai", base + "/v1"},
        {"gemini", "gemini", base},
        {"grok", "xai", base + "/xai/v1"}};
    std::string out = "[panel]\nseats = [\"claude\", \"gpt\", \"gemini\", \"grok\"]\n"
                      "chair = \"claude\"\n";
    for (const auto& [seat, provider, url] : seats) {
        out += fmt::format("\n[seats.{}]\nprovider = \"{}\"\nbase_url = \"{}\"\nretries = 1\n",
                           seat, provider, url);
        if (const auto model = models.find(seat); model != models.end()) {
            out += fmt::format("model = \"{}\"\n", model->second);
        }
    }
    return out;
}

std::string FakePanel::config() const {
    std::string base = server.base_url();
    return fmt::format(R"(
[panel]
seats = ["claude", "gpt", "gemini", "grok"]
chair = "claude"

[seats.claude]
provider = "anthropic"
model = "claude-sonnet-4-6"
base_url = "{0}"
retries = 1

[seats.gpt]
provider = "openai"
model = "gpt-5"
base_url = "{0}/v1"
retries = 1

[seats.gemini]
provider = "gemini"
model = "gemini-2.5-pro"
base_url = "{0}"
retries = 1

[seats.grok]
provider = "xai"
model = "grok-4"
base_url = "{0}/xai/v1"
retries = 1
)",
                       base);
}

} // namespace roundtable::testing
