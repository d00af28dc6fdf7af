// Where each rule comes from (all read 2026-11-30):
// - Anthropic: platform.claude.com/docs/en/models/overview, .../models/sonnet-5-5/migration-guide
//   (manual thinking, sampling, forced tool_choice and thinking.type disabled are 400s on
//   Sonnet 5.5), .../build-with-claude/effort (levels; Opus 5.5 and Haiku 5.5 default to
//   medium), .../build-with-claude/thinking (thinking counts toward max_tokens, is billed as
//   output; display omitted gives an empty thinking text with a signature), structured outputs
//   (output_config.format; numeric bounds such as minimum are a 400); recorded bodies of
//   tests/data/replies/reasoning/ for the error texts.
// - OpenAI: developers.openai.com/api/docs/models/gpt-6.2-sol and the models page (reasoning
//   efforts, 128k max output), the deployment checklist (no temperature while reasoning);
//   reasoning tokens are part of completion_tokens and of max_completion_tokens; a budget spent
//   on reasoning ends in finish_reason "length" with empty content.
// - xAI: docs.x.ai/developers/grok-4-7, grok-4-5 (reasoning_effort low/medium/high, default
//   high); older reasoning models answer reasoning_effort with a flat 400; reasoning_tokens are
//   counted apart from completion_tokens. Whether max_completion_tokens bounds reasoning too is
//   not documented: the fake assumes it does (the stricter case).
// - Gemini: thinkingLevel and thinkingBudget together are a 400, a level a model lacks is a
//   400, a level on a 2.5 model is a 400, Gemini 4 takes no thinkingBudget; thoughts come out
//   of maxOutputTokens; a MAX_TOKENS stop while thinking has no parts; Gemini 4 returns at most
//   32,768 output tokens to a non-streaming call.
#include <algorithm>
#include <cmath>
#include <fake/fake_models.hpp>
#include <fake/replies.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace roundtable::testing {

namespace {

using nlohmann::json;

const std::vector<std::string> k_claude5_levels{"low", "medium", "high", "xhigh", "max"};
const std::vector<std::string> k_claude46_levels{"low", "medium", "high", "max"};
const std::vector<std::string> k_gpt6_levels{"low", "medium", "high", "xhigh", "max"};
const std::vector<std::string> k_gpt6_none_levels{"none", "low", "medium", "high", "xhigh", "max"};
const std::vector<std::string> k_gpt5_levels{"minimal", "low", "medium", "high"};
const std::vector<std::string> k_gemini4_levels{"low", "medium", "high", "xhigh"};
const std::vector<std::string> k_gemini_lmh{"low", "medium", "high"};
const std::vector<std::string> k_grok_levels{"low", "medium", "high", "xhigh"};

FakeModel model(std::string provider, std::string id, std::vector<std::string> levels,
                std::string default_level) {
    FakeModel m;
    m.provider = std::move(provider);
    m.id = std::move(id);
    m.levels = std::move(levels);
    m.default_level = std::move(default_level);
    return m;
}

std::vector<FakeModel> build_models() {
    std::vector<FakeModel> all;
    // Anthropic. Claude 5: adaptive thinking on by default; Sonnet 5.5 and Fable refuse
    // forced tools outright.
    for (const auto& [id, level, no_forced_tool] :
         std::vector<std::tuple<std::string, std::string, bool>>{
             {"claude-sonnet-5-5", "high", true},
             {"claude-opus-5-5", "medium", false},
             {"claude-haiku-5-5", "medium", false},
             {"claude-fable-5-2", "high", true},
             {"claude-fable-5-1", "high", true},
             {"claude-opus-5", "high", false},
             {"claude-sonnet-5", "high", false}}) {
        FakeModel m = model("anthropic", id, k_claude5_levels, level);
        m.refuses_forced_tool = no_forced_tool;
        all.push_back(std::move(m));
    }
    for (const char* id : {"claude-sonnet-4-6", "claude-opus-4-6"}) {
        FakeModel m = model("anthropic", id, k_claude46_levels, ""); // off until asked
        m.refuses_sampling = false;
        m.max_output = std::string_view(id) == "claude-sonnet-4-6" ? 64'000 : 128'000;
        all.push_back(std::move(m));
    }
    {
        FakeModel m = model("anthropic", "claude-haiku-4-5", {}, "");
        m.budget = true;
        m.refuses_sampling = false;
        m.max_output = 64'000;
        m.context = 200'000;
        all.push_back(std::move(m));
    }
    // OpenAI: every model reasons; GPT-6.2 and 6.1 Sol reject effort none.
    for (const char* id : {"gpt-6.2-sol", "gpt-6.2-astra", "gpt-6.1-sol"}) {
        all.push_back(model("openai", id, k_gpt6_levels, "medium"));
    }
    for (const char* id : {"gpt-6.1-terra", "gpt-6-luna", "gpt-5.6-terra", "gpt-5.5"}) {
        all.push_back(model("openai", id, k_gpt6_none_levels, "medium"));
    }
    for (const char* id : {"gpt-5", "gpt-5-mini"}) {
        all.push_back(model("openai", id, k_gpt5_levels, "medium"));
    }
    // Gemini 4: thinkingLevel only, 32,768 output tokens per non-streaming call.
    for (const auto& [id, levels, level] :
         std::vector<std::tuple<std::string, std::vector<std::string>, std::string>>{
             {"gemini-4-neon", k_gemini4_levels, "high"},
             {"gemini-4-hydrogen", k_gemini4_levels, "high"},
             {"gemini-4-carbon", k_gemini_lmh, "medium"},
             {"gemini-4-argon", k_gemini_lmh, "medium"},
             {"gemini-3.8-flash", k_gemini_lmh, "high"},
             {"gemini-3.1-pro-preview", {"low", "high"}, "high"},
             {"gemini-3.5-flash", {"minimal", "low", "medium", "high"}, "medium"}}) {
        FakeModel m = model("gemini", id, levels, level);
        m.refuses_sampling = false; // ignored, not refused
        m.max_output = id.starts_with("gemini-4") ? 32'768 : 65'536;
        all.push_back(std::move(m));
    }
    for (const char* id : {"gemini-2.5-pro", "gemini-2.5-flash"}) {
        FakeModel m = model("gemini", id, {}, "medium"); // dynamic budget by default
        m.budget = true;
        m.refuses_sampling = false;
        m.max_output = 65'536;
        all.push_back(std::move(m));
    }
    // xAI: grok-4.5 and later take reasoning_effort; grok-4 refuses it but still reasons.
    // List prices per million tokens, input / output: docs.x.ai/developers/grok-4-7, grok-4-6,
    // grok-4-5 and docs.x.ai/developers/models (read 2026-11-30). Every reply states its cost
    // (docs.x.ai/developers/cost-tracking, read 2026-11-30).
    auto priced = [](FakeModel m, double in, double out) {
        m.usd_in = in;
        m.usd_out = out;
        return m;
    };
    all.push_back(priced(model("xai", "grok-4.7", k_grok_levels, "high"), 2.00, 6.00));
    all.push_back(priced(model("xai", "grok-4.6", k_grok_levels, "high"), 2.00, 6.00));
    all.push_back(priced(model("xai", "grok-4.5", k_gemini_lmh, "high"), 2.00, 6.00));
    {
        FakeModel m = priced(model("xai", "grok-4", {}, "medium"), 3.00, 15.00);
        m.effort_refused = true;
        all.push_back(std::move(m));
    }
    {
        FakeModel m = priced(model("xai", "grok-4-fast-non-reasoning", {}, ""), 0.20, 0.50);
        m.effort_refused = true;
        all.push_back(std::move(m));
    }
    for (FakeModel& m : all) {
        if (m.provider == "xai") {
            m.refuses_sampling = false;
            m.max_output = 1'000'000; // no published output limit
            m.context = 500'000;
        }
    }
    return all;
}

bool has(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::int64_t tokens_of(std::string_view text) {
    return static_cast<std::int64_t>(text.size() / 4) + 1;
}

// How much of a reply fits in the output budget.
struct Spent {
    std::int64_t thinking = 0; // reasoning tokens produced
    std::int64_t answer = 0;   // visible tokens produced
    std::string text;          // the visible text (cut when the budget ran out)
    bool cut = false;
};

Spent spend(std::int64_t budget, std::int64_t thinking, const std::string& answer) {
    Spent s;
    budget = std::max<std::int64_t>(budget, 1);
    if (thinking >= budget) {
        s.thinking = budget;
        s.cut = true;
        return s;
    }
    s.thinking = thinking;
    const std::int64_t room = budget - thinking;
    const std::int64_t need = tokens_of(answer);
    if (need > room) {
        s.answer = room;
        s.text = answer.substr(0, static_cast<std::size_t>(room * 4));
        s.cut = true;
        return s;
    }
    s.answer = need;
    s.text = answer;
    return s;
}

Scripted reply(int status, const json& body) {
    return json_reply(status, body.dump());
}

Scripted anthropic_refusal(int status, std::string_view type, std::string_view message) {
    return json_reply(status, anthropic_error(type, message, "req_fake_refused"));
}

Scripted openai_refusal(std::string_view message, std::string_view param, std::string_view code) {
    return reply(400, json{{"error",
                            {{"message", message},
                             {"type", "invalid_request_error"},
                             {"param", param.empty() ? json(nullptr) : json(param)},
                             {"code", code.empty() ? json(nullptr) : json(code)}}}});
}

// OpenAI's 404 for a model id it does not know (recorded body).
Scripted openai_not_found(std::string_view id) {
    Scripted s = openai_refusal(
        fmt::format("The model `{}` does not exist or you do not have access to it.", id), "",
        "model_not_found");
    s.status = 404;
    return s;
}

Scripted gemini_refusal(int code, std::string_view status, std::string_view message) {
    return json_reply(code, gemini_error(code, status, message));
}

// Returns the first JSON-schema keyword Anthropic's structured output does not take, or "".
std::string unsupported_keyword(const json& schema) {
    static const std::vector<std::string> k_unsupported{
        "minimum",    "maximum",   "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "minLength", "maxLength",        "maxItems"};
    if (schema.is_object()) {
        for (const auto& [key, value] : schema.items()) {
            if (has(k_unsupported, key)) {
                return key;
            }
            if (std::string inner = unsupported_keyword(value); !inner.empty()) {
                return inner;
            }
        }
    } else if (schema.is_array()) {
        for (const auto& item : schema) {
            if (std::string inner = unsupported_keyword(item); !inner.empty()) {
                return inner;
            }
        }
    }
    return "";
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::string listed(const std::vector<std::string>& levels) {
    std::vector<std::string> sorted = levels;
    std::sort(sorted.begin(), sorted.end());
    return fmt::format("{}", fmt::join(sorted, ", "));
}

} // namespace

const std::vector<FakeModel>& fake_models() {
    static const std::vector<FakeModel> models = build_models();
    return models;
}

const FakeModel* find_fake_model(std::string_view provider, std::string_view id) {
    for (const FakeModel& m : fake_models()) {
        if (m.provider == provider && m.id == id) {
            return &m;
        }
    }
    return nullptr;
}

std::int64_t fake_thinking_tokens(std::string_view level) {
    if (level == "none" || level.empty()) {
        return 0;
    }
    if (level == "minimal") {
        return 400;
    }
    if (level == "low") {
        return 1'500;
    }
    if (level == "medium") {
        return 4'000;
    }
    if (level == "high") {
        return 9'000;
    }
    if (level == "xhigh") {
        return 15'000;
    }
    return 24'000; // max
}

FakeProviders::FakeProviders(Answer answer) : m_answer(std::move(answer)) {}

void FakeProviders::set_thinking(const std::string& provider, std::optional<std::int64_t> tokens) {
    std::lock_guard lock(m_mutex);
    if (tokens) {
        m_thinking[provider] = *tokens;
    } else {
        m_thinking.erase(provider);
    }
}

Bill FakeProviders::bill(const std::string& provider) const {
    std::lock_guard lock(m_mutex);
    Bill total;
    for (const auto& [name, bill] : m_bills) {
        if (provider.empty() || provider == name) {
            total.calls += bill.calls;
            total.input += bill.input;
            total.output += bill.output;
            total.reasoning += bill.reasoning;
            total.ticks += bill.ticks;
        }
    }
    return total;
}

std::vector<std::string> FakeProviders::refusals() const {
    std::lock_guard lock(m_mutex);
    return m_refusals;
}

void FakeProviders::charge(const std::string& provider, const Bill& bill) {
    std::lock_guard lock(m_mutex);
    Bill& total = m_bills[provider];
    total.calls += 1;
    total.input += bill.input;
    total.output += bill.output;
    total.reasoning += bill.reasoning;
    total.ticks += bill.ticks;
}

void FakeProviders::refused(const std::string& provider, const std::string& message) {
    std::lock_guard lock(m_mutex);
    m_refusals.push_back(provider + ": " + message);
}

std::optional<Scripted> FakeProviders::serve(const RecordedRequest& request) {
    const std::string& path = request.path;
    if (request.method == "POST" && path == "/v1/messages") {
        const json body = json::parse(request.body, nullptr, false);
        return generate("anthropic", body.is_object() ? body.value("model", "") : "", request);
    }
    if (request.method == "POST" &&
        (path == "/v1/chat/completions" || path == "/xai/v1/chat/completions")) {
        const json body = json::parse(request.body, nullptr, false);
        return generate(path.starts_with("/xai") ? "xai" : "openai",
                        body.is_object() ? body.value("model", "") : "", request);
    }
    constexpr std::string_view k_gemini = "/v1beta/models/";
    constexpr std::string_view k_generate = ":generateContent";
    if (path.starts_with(k_gemini)) {
        std::string id = path.substr(k_gemini.size());
        if (request.method == "POST" && id.ends_with(k_generate)) {
            id.resize(id.size() - k_generate.size());
            return generate("gemini", id, request);
        }
        if (request.method == "GET") {
            const FakeModel* m = find_fake_model("gemini", id);
            if (m == nullptr) {
                refused("gemini", "no model " + id);
                return gemini_refusal(404, "NOT_FOUND",
                                      fmt::format("models/{} is not found for API version v1beta, "
                                                  "or is not supported for get.",
                                                  id));
            }
            return reply(200, json{{"name", "models/" + id},
                                   {"displayName", id},
                                   {"inputTokenLimit", m->context},
                                   {"outputTokenLimit", m->max_output},
                                   {"supportedGenerationMethods", {"generateContent"}},
                                   {"thinking", true}});
        }
    }
    for (const auto& [prefix, provider] : std::vector<std::pair<std::string_view, std::string>>{
             {"/xai/v1/models/", "xai"}, {"/v1/models/", ""}}) {
        if (request.method != "GET" || !path.starts_with(prefix)) {
            continue;
        }
        const std::string id = path.substr(prefix.size());
        const std::string who =
            !provider.empty()
                ? provider
                : (request.header("anthropic-version").empty() ? "openai" : "anthropic");
        const FakeModel* m = find_fake_model(who, id);
        if (who == "anthropic") {
            if (m == nullptr) {
                refused(who, "no model " + id);
                return anthropic_refusal(404, "not_found_error", "model: " + id);
            }
            return reply(200, json{{"id", id},
                                   {"type", "model"},
                                   {"display_name", id},
                                   {"created_at", "2026-10-07T00:00:00Z"},
                                   {"max_input_tokens", m->context},
                                   {"max_tokens", m->max_output}});
        }
        if (m == nullptr) {
            refused(who, "no model " + id);
            if (who == "xai") { // xAI's flat error shape
                return json_reply(
                    404, xai_error("not-found", fmt::format("The model {} does not exist or your "
                                                            "team does not have access to it.",
                                                            id)));
            }
            return openai_not_found(id);
        }
        return reply(200, json{{"id", id},
                               {"object", "model"},
                               {"created", 1767225600},
                               {"owned_by", who == "xai" ? "xai" : "openai"}});
    }
    return std::nullopt;
}

Scripted FakeProviders::generate(const std::string& provider, const std::string& model_id,
                                 const RecordedRequest& request) {
    const json body = json::parse(request.body, nullptr, false);
    const FakeModel* m = find_fake_model(provider, model_id);
    auto refuse = [&](Scripted s, const std::string& why) {
        refused(provider, why);
        return s;
    };
    if (m == nullptr) {
        if (provider == "anthropic") {
            return refuse(anthropic_refusal(404, "not_found_error", "model: " + model_id),
                          "no model " + model_id);
        }
        if (provider == "gemini") {
            return refuse(gemini_refusal(404, "NOT_FOUND",
                                         fmt::format("models/{} is not found for API version "
                                                     "v1beta, or is not supported for "
                                                     "generateContent.",
                                                     model_id)),
                          "no model " + model_id);
        }
        if (provider == "xai") {
            return refuse(
                json_reply(404, xai_error("not-found", fmt::format("The model {} does not exist or "
                                                                   "your team does not have access "
                                                                   "to it.",
                                                                   model_id))),
                "no model " + model_id);
        }
        return refuse(openai_not_found(model_id), "no model " + model_id);
    }
    const std::string answer = m_answer(provider, request);
    const std::int64_t input = tokens_of(request.body);
    std::optional<std::int64_t> forced;
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_thinking.find(provider); it != m_thinking.end()) {
            forced = it->second;
        }
    }

    if (provider == "anthropic") {
        const json thinking = body.value("thinking", json::object());
        const json output_config = body.value("output_config", json::object());
        const std::string type = thinking.value("type", "");
        const bool claude5 = !m->budget && m->default_level != "";
        if (type == "enabled" && !m->budget) {
            return refuse(
                anthropic_refusal(400, "invalid_request_error",
                                  "\"thinking.type.enabled\" is not supported for this model. Use "
                                  "\"thinking.type.adaptive\" and \"output_config.effort\" to "
                                  "control thinking behavior."),
                "manual thinking");
        }
        if (type == "disabled" && claude5) {
            return refuse(anthropic_refusal(400, "invalid_request_error",
                                            "thinking.type.disabled is not supported for this "
                                            "model."),
                          "thinking disabled");
        }
        if (type == "adaptive" && m->budget) {
            return refuse(anthropic_refusal(400, "invalid_request_error",
                                            "adaptive thinking is not supported for this model."),
                          "adaptive on a budget model");
        }
        std::string level;
        if (output_config.contains("effort")) {
            level = output_config.value("effort", "");
            if (!has(m->levels, level)) {
                return refuse(anthropic_refusal(400, "invalid_request_error",
                                                fmt::format("This model does not support effort "
                                                            "level '{}'. Supported levels: {}.",
                                                            level, listed(m->levels))),
                              "effort " + level);
            }
        }
        bool thinks = false;
        std::int64_t think = 0;
        if (m->budget) {
            thinks = type == "enabled";
            think = thinks ? std::min<std::int64_t>(thinking.value("budget_tokens", 0),
                                                    fake_thinking_tokens("medium"))
                           : 0;
        } else if (claude5) {
            thinks = true;
            think = fake_thinking_tokens(level.empty() ? m->default_level : level);
        } else { // Claude 4.6: off until adaptive is asked for
            thinks = type == "adaptive";
            think = thinks ? fake_thinking_tokens(level.empty() ? "high" : level) : 0;
        }
        const json tool_choice = body.value("tool_choice", json::object());
        const std::string choice = tool_choice.value("type", "");
        const bool forced_tool = choice == "tool" || choice == "any";
        if (forced_tool && m->refuses_forced_tool) {
            return refuse(anthropic_refusal(400, "invalid_request_error",
                                            "tool_choice: type \"tool\" and \"any\" are not "
                                            "supported for this model."),
                          "forced tool");
        }
        if (forced_tool && thinks) {
            return refuse(anthropic_refusal(400, "invalid_request_error",
                                            "Thinking may not be enabled when tool_choice forces "
                                            "tool use."),
                          "forced tool while thinking");
        }
        if (body.contains("temperature") && m->refuses_sampling) {
            return refuse(anthropic_refusal(400, "invalid_request_error",
                                            "temperature is deprecated for this model."),
                          "temperature");
        }
        if (body.contains("temperature") && thinks && body.value("temperature", 1.0) != 1.0) {
            return refuse(anthropic_refusal(400, "invalid_request_error",
                                            "`temperature` may only be set to 1 when thinking is "
                                            "enabled."),
                          "temperature while thinking");
        }
        if (output_config.contains("format")) {
            const std::string keyword =
                unsupported_keyword(output_config["format"].value("schema", json::object()));
            if (!keyword.empty()) {
                return refuse(anthropic_refusal(400, "invalid_request_error",
                                                fmt::format("output_config.format.schema: For "
                                                            "'number' type, property '{}' is not "
                                                            "supported",
                                                            keyword)),
                              "schema keyword " + keyword);
            }
        }
        const std::int64_t max_tokens = body.value("max_tokens", std::int64_t{0});
        if (max_tokens > m->max_output) {
            return refuse(anthropic_refusal(400, "invalid_request_error",
                                            fmt::format("max_tokens: {} > {}, which is the maximum "
                                                        "allowed number of output tokens for {}",
                                                        max_tokens, m->max_output, m->id)),
                          "max_tokens");
        }
        const Spent s = spend(max_tokens, forced.value_or(think) * (thinks ? 1 : 0), answer);
        json content = json::array();
        if (thinks) { // display "omitted" by default on Claude 5: empty text, a signature
            content.push_back(
                {{"type", "thinking"}, {"thinking", ""}, {"signature", "ZmFrZS1zaWc="}});
        }
        if (!s.text.empty()) {
            if (forced_tool && !s.cut) {
                content.push_back({{"type", "tool_use"},
                                   {"id", "toolu_fake"},
                                   {"name", tool_choice.value("name", "")},
                                   {"input", json::parse(s.text)}});
            } else {
                content.push_back({{"type", "text"}, {"text", s.text}});
            }
        }
        charge(provider, Bill{0, input, s.thinking + s.answer, s.thinking, 0});
        return json_reply(
            200,
            json{{"id", "msg_fake"},
                 {"type", "message"},
                 {"role", "assistant"},
                 {"model", m->id},
                 {"content", content},
                 {"stop_reason", s.cut ? "max_tokens" : (forced_tool ? "tool_use" : "end_turn")},
                 {"stop_sequence", nullptr},
                 {"stop_details", nullptr},
                 {"usage",
                  {{"input_tokens", input},
                   {"cache_creation_input_tokens", 0},
                   {"cache_read_input_tokens", 0},
                   {"output_tokens", s.thinking + s.answer},
                   {"output_tokens_details", {{"thinking_tokens", s.thinking}}}}}}
                .dump(),
            {{"request-id", "req_fake_reasoning"}});
    }

    if (provider == "openai" || provider == "xai") {
        if (provider == "openai" && body.contains("max_tokens")) {
            return refuse(openai_refusal("Unsupported parameter: 'max_tokens' is not supported "
                                         "with this model. Use 'max_completion_tokens' instead.",
                                         "max_tokens", "unsupported_parameter"),
                          "max_tokens");
        }
        std::string level = m->default_level;
        if (body.contains("reasoning_effort")) {
            level = body.value("reasoning_effort", "");
            if (m->effort_refused) {
                return refuse(json_reply(400, xai_error("invalid-argument",
                                                        fmt::format("Model {} does not support "
                                                                    "parameter reasoningEffort.",
                                                                    m->id))),
                              "reasoning_effort");
            }
            if (!has(m->levels, level)) {
                if (provider == "xai") {
                    return refuse(json_reply(400, xai_error("invalid-argument",
                                                            fmt::format("Invalid reasoning effort "
                                                                        "'{}' for model {}.",
                                                                        level, m->id))),
                                  "reasoning_effort " + level);
                }
                return refuse(openai_refusal(fmt::format("Unsupported value: 'reasoning_effort' "
                                                         "does not support '{}' with this model. "
                                                         "Supported values are: {}.",
                                                         level, listed(m->levels)),
                                             "reasoning_effort", "unsupported_value"),
                              "reasoning_effort " + level);
            }
        }
        if (body.contains("temperature") && m->refuses_sampling && level != "none") {
            return refuse(openai_refusal("Unsupported parameter: 'temperature' is not supported "
                                         "with this model.",
                                         "temperature", "unsupported_parameter"),
                          "temperature");
        }
        const std::int64_t budget = body.value("max_completion_tokens", std::int64_t{0});
        if (budget > m->max_output) {
            return refuse(openai_refusal(fmt::format("max_completion_tokens is too large: {}. This "
                                                     "model supports at most {} completion tokens, "
                                                     "whereas you provided {}.",
                                                     budget, m->max_output, budget),
                                         "max_completion_tokens", "invalid_value"),
                          "max_completion_tokens");
        }
        const Spent s = spend(budget, forced.value_or(fake_thinking_tokens(level)), answer);
        // OpenAI counts reasoning inside completion_tokens; xAI apart from it.
        const std::int64_t completion = provider == "xai" ? s.answer : s.thinking + s.answer;
        json message = {{"role", "assistant"}, {"content", s.text}, {"refusal", nullptr}};
        if (provider == "xai" && s.thinking > 0) {
            message["reasoning_content"] = "";
        }
        json usage = {{"prompt_tokens", input},
                      {"completion_tokens", completion},
                      {"total_tokens", input + s.thinking + s.answer},
                      {"prompt_tokens_details", {{"cached_tokens", 0}}},
                      {"completion_tokens_details", {{"reasoning_tokens", s.thinking}}}};
        std::int64_t ticks = 0;
        if (provider == "xai") { // USD per million tokens -> ticks (1e10 per USD) per token: 1e4
            ticks = std::llround((static_cast<double>(input) * m->usd_in +
                                  static_cast<double>(s.thinking + s.answer) * m->usd_out) *
                                 1e4);
            usage["cost_in_usd_ticks"] = ticks;
        }
        charge(provider, Bill{0, input, s.thinking + s.answer, s.thinking, ticks});
        return json_reply(
            200, json{{"id", "chatcmpl-fake"},
                      {"object", "chat.completion"},
                      {"created", 1767225600},
                      {"model", m->id},
                      {"choices", json::array({{{"index", 0},
                                                {"message", message},
                                                {"finish_reason", s.cut ? "length" : "stop"}}})},
                      {"usage", usage}}
                     .dump());
    }

    // Gemini
    const json config = body.value("generationConfig", json::object());
    const json thinking = config.value("thinkingConfig", json::object());
    const bool has_level = thinking.contains("thinkingLevel");
    const bool has_budget = thinking.contains("thinkingBudget");
    if (has_level && has_budget) {
        return refuse(gemini_refusal(400, "INVALID_ARGUMENT",
                                     "You can only set only one of thinking budget and thinking "
                                     "level."),
                      "level and budget");
    }
    if (has_level && m->budget) {
        return refuse(gemini_refusal(400, "INVALID_ARGUMENT",
                                     "Thinking level is not supported for this model."),
                      "level on a budget model");
    }
    if (has_budget && !m->budget) {
        return refuse(gemini_refusal(400, "INVALID_ARGUMENT",
                                     "Thinking budget is not supported for this model."),
                      "budget on a level model");
    }
    std::int64_t think = fake_thinking_tokens(m->default_level);
    if (has_level) {
        const std::string level = thinking.value("thinkingLevel", "");
        if (!has(m->levels, level)) {
            return refuse(gemini_refusal(400, "INVALID_ARGUMENT",
                                         fmt::format("Thinking level {} is not supported for this "
                                                     "model. Please retry with other thinking "
                                                     "level.",
                                                     upper(level))),
                          "level " + level);
        }
        think = fake_thinking_tokens(level);
    } else if (has_budget) {
        const std::int64_t asked = thinking.value("thinkingBudget", std::int64_t{0});
        think = asked < 0 ? think : std::min(asked, fake_thinking_tokens("high"));
    }
    const std::int64_t asked_budget = config.value("maxOutputTokens", m->max_output);
    const Spent s = spend(std::min(asked_budget, m->max_output), forced.value_or(think), answer);
    json candidate = {{"finishReason", s.cut ? "MAX_TOKENS" : "STOP"}, {"index", 0}};
    if (s.text.empty()) {
        candidate["content"] = {{"role", "model"}}; // no parts at all
    } else {
        candidate["content"] = {
            {"role", "model"},
            {"parts", json::array({{{"text", s.text}, {"thoughtSignature", "ZmFrZS1zaWc="}}})}};
    }
    json usage = {{"promptTokenCount", input}, {"totalTokenCount", input + s.thinking + s.answer}};
    if (s.answer > 0) {
        usage["candidatesTokenCount"] = s.answer;
    }
    if (s.thinking > 0) {
        usage["thoughtsTokenCount"] = s.thinking;
    }
    charge(provider, Bill{0, input, s.thinking + s.answer, s.thinking, 0});
    return json_reply(200, json{{"candidates", json::array({candidate})},
                                {"usageMetadata", usage},
                                {"modelVersion", m->id},
                                {"responseId", "fake-reasoning"}}
                               .dump());
}

} // namespace roundtable::testing
