#include <algorithm>
#include <array>
#include <roundtable/article/sentences.hpp>
#include <roundtable/guard/injection.hpp>

namespace roundtable::guard {

namespace {

using namespace std::string_view_literals;

// The lowercase ASCII words of `text` (letters and digits; everything else separates).
std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    std::string word;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9')) {
            word.push_back(c);
        } else if (byte >= 'A' && byte <= 'Z') {
            word.push_back(static_cast<char>(byte - 'A' + 'a'));
        } else if (!word.empty()) {
            out.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) {
        out.push_back(std::move(word));
    }
    return out;
}

bool is_any(const std::string& word, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

// Whether words[at...] starts with `phrase` (words separated by single spaces, "*" matching
// any one word, "?" an optional article or determiner).
bool phrase_at(const std::vector<std::string>& words, std::size_t at, std::string_view phrase) {
    std::size_t pos = 0;
    while (pos < phrase.size()) {
        std::size_t end = phrase.find(' ', pos);
        if (end == std::string_view::npos) {
            end = phrase.size();
        }
        const std::string_view want = phrase.substr(pos, end - pos);
        pos = end + 1;
        if (want == "?") {
            if (at < words.size() &&
                is_any(words[at], {"all", "the", "any", "your", "my", "of", "these", "those"})) {
                ++at;
            }
            continue;
        }
        if (at >= words.size() || (want != "*" && words[at] != want)) {
            return false;
        }
        ++at;
    }
    return true;
}

bool contains_phrase(const std::vector<std::string>& words, std::string_view phrase) {
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (phrase_at(words, i, phrase)) {
            return true;
        }
    }
    return false;
}

// Overrides of what the model was told before, and orders about the reply itself.
constexpr std::array k_phrases{
    "ignore ? ? previous instructions"sv,
    "ignore ? ? prior instructions"sv,
    "ignore ? ? above instructions"sv,
    "ignore ? ? earlier instructions"sv,
    "ignore ? ? preceding instructions"sv,
    "ignore ? above"sv,
    "ignore ? ? previous prompts"sv,
    "ignore ? ? system prompt"sv,
    "disregard ? ? previous instructions"sv,
    "disregard ? ? prior instructions"sv,
    "disregard ? above"sv,
    "disregard ? ? system prompt"sv,
    "forget ? ? previous instructions"sv,
    "forget ? ? prior instructions"sv,
    "forget ? instructions"sv,
    "forget everything above"sv,
    "override ? ? system prompt"sv,
    "you are now"sv,
    "from now on you"sv,
    "reply only with"sv,
    "respond only with"sv,
    "answer only with"sv,
    "only reply with"sv,
    "only respond with"sv,
    "reply with only"sv,
    "respond with only"sv,
    "you must reply"sv,
    "you must respond"sv,
    "you must answer"sv,
    "you must output"sv,
    "you must rate"sv,
    "you must classify"sv,
    "do not follow ? ? instructions"sv,
    "as an ai language model"sv,
};

// Words that address the model, and orders to it.
bool addresses_models(const std::vector<std::string>& words) {
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (is_any(w, {"llm", "llms", "chatgpt", "chatbot", "chatbots", "gpt", "claude", "gemini",
                       "grok"}) ||
            ((w == "ai" || w == "language") && i + 1 < words.size() &&
             is_any(words[i + 1], {"model", "models", "assistant", "assistants", "system",
                                   "systems", "reader", "readers", "agent", "agents"}))) {
            return true;
        }
    }
    return false;
}

bool orders_reply(const std::vector<std::string>& words) {
    // An order to the model: "must/should/shall <verb>" or a sentence that opens with the verb.
    const std::initializer_list<std::string_view> verbs{
        "reply",    "respond", "answer",    "output",    "say",   "rate",
        "classify", "label",   "summarize", "summarise", "print", "write"};
    if (!words.empty() && is_any(words.front(), verbs)) {
        return true;
    }
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        if (is_any(words[i], {"must", "should", "shall"}) && is_any(words[i + 1], verbs)) {
            return true;
        }
    }
    return false;
}

} // namespace

// Whether some word of `words` opens one of k_phrases: most sentences have none, and
// need not be matched against each phrase at each word.
bool may_hold_phrase(const std::vector<std::string>& words) {
    static const auto k_openers = [] {
        std::array<std::string_view, k_phrases.size()> out{};
        for (std::size_t i = 0; i < k_phrases.size(); ++i) {
            out[i] = k_phrases[i].substr(0, k_phrases[i].find(' '));
        }
        return out;
    }();
    for (const std::string& w : words) {
        if (std::find(k_openers.begin(), k_openers.end(), w) != k_openers.end()) {
            return true;
        }
    }
    return false;
}

bool looks_like_instruction(std::string_view sentence) {
    const std::vector<std::string> words = words_of(sentence);
    if (words.empty()) {
        return false;
    }
    if (may_hold_phrase(words)) {
        for (const std::string_view phrase : k_phrases) {
            if (contains_phrase(words, phrase)) {
                return true;
            }
        }
    }
    return addresses_models(words) && orders_reply(words);
}

std::vector<std::string> find_instructions(std::string_view article) {
    std::vector<std::string> out;
    for (const article::Sentence& s : article::split_sentences(article)) {
        const std::string_view text = article.substr(s.begin, s.end - s.begin);
        if (looks_like_instruction(text) && std::find(out.begin(), out.end(), text) == out.end()) {
            out.emplace_back(text);
        }
    }
    return out;
}

bool echoes(std::string_view text, std::string_view sentence) {
    constexpr std::size_t k_min_words = 5;
    const std::vector<std::string> a = words_of(text);
    const std::vector<std::string> b = words_of(sentence);
    const auto& shorter = a.size() <= b.size() ? a : b;
    const auto& longer = a.size() <= b.size() ? b : a;
    if (shorter.size() < k_min_words) {
        return false;
    }
    return std::search(longer.begin(), longer.end(), shorter.begin(), shorter.end()) !=
           longer.end();
}

} // namespace roundtable::guard
