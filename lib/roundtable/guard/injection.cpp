#include <algorithm>
#include <array>
#include <cstdint>
#include <roundtable/article/sentences.hpp>
#include <roundtable/guard/injection.hpp>
#include <unordered_map>

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

// What a word can be in an instruction to a model; a word may be several.
enum WordFlag : std::uint8_t {
    k_opener = 1,     // opens one of k_phrases
    k_model_name = 2, // names a model or a chatbot
    k_ai = 4,         // "ai" or "language", which name models when a k_model_noun follows
    k_model_noun = 8, // "model", "assistant", "system", ...
    k_verb = 16,      // an order about the reply: "reply", "answer", "summarize", ...
    k_modal = 32,     // "must", "should", "shall"
};

// Returns the WordFlag bits of `word` (0 for most words): one look-up per word instead of
// comparing each word with every list.
std::uint8_t flags_of(std::string_view word) {
    static const auto k_table = [] {
        std::unordered_map<std::string_view, std::uint8_t> table;
        for (const std::string_view phrase : k_phrases) {
            table[phrase.substr(0, phrase.find(' '))] |= k_opener;
        }
        for (const std::string_view w : {"llm"sv, "llms"sv, "chatgpt"sv, "chatbot"sv, "chatbots"sv,
                                         "gpt"sv, "claude"sv, "gemini"sv, "grok"sv}) {
            table[w] |= k_model_name;
        }
        for (const std::string_view w : {"ai"sv, "language"sv}) {
            table[w] |= k_ai;
        }
        for (const std::string_view w :
             {"model"sv, "models"sv, "assistant"sv, "assistants"sv, "system"sv, "systems"sv,
              "reader"sv, "readers"sv, "agent"sv, "agents"sv}) {
            table[w] |= k_model_noun;
        }
        for (const std::string_view w :
             {"reply"sv, "respond"sv, "answer"sv, "output"sv, "say"sv, "rate"sv, "classify"sv,
              "label"sv, "summarize"sv, "summarise"sv, "print"sv, "write"sv}) {
            table[w] |= k_verb;
        }
        for (const std::string_view w : {"must"sv, "should"sv, "shall"sv}) {
            table[w] |= k_modal;
        }
        return table;
    }();
    const auto it = k_table.find(word);
    return it == k_table.end() ? 0 : it->second;
}

// Whether the words address the model: a model's name, or "AI/language" + "model/assistant/...".
bool addresses_models(const std::vector<std::uint8_t>& flags) {
    for (std::size_t i = 0; i < flags.size(); ++i) {
        if ((flags[i] & k_model_name) != 0 || ((flags[i] & k_ai) != 0 && i + 1 < flags.size() &&
                                               (flags[i + 1] & k_model_noun) != 0)) {
            return true;
        }
    }
    return false;
}

// Whether the words order the reply: "must/should/shall <verb>", or a sentence that opens with
// the verb.
bool orders_reply(const std::vector<std::uint8_t>& flags) {
    if (!flags.empty() && (flags.front() & k_verb) != 0) {
        return true;
    }
    for (std::size_t i = 0; i + 1 < flags.size(); ++i) {
        if ((flags[i] & k_modal) != 0 && (flags[i + 1] & k_verb) != 0) {
            return true;
        }
    }
    return false;
}

} // namespace

bool looks_like_instruction(std::string_view sentence) {
    const std::vector<std::string> words = words_of(sentence);
    std::vector<std::uint8_t> flags;
    flags.reserve(words.size());
    std::uint8_t any = 0;
    for (const std::string& w : words) {
        flags.push_back(flags_of(w));
        any |= flags.back();
    }
    if ((any & k_opener) != 0) { // most sentences open no phrase: none is matched then
        for (const std::string_view phrase : k_phrases) {
            if (contains_phrase(words, phrase)) {
                return true;
            }
        }
    }
    return addresses_models(flags) && orders_reply(flags);
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
