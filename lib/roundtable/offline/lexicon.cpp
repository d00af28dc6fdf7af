// Cue lexicons of the offline analysts, written for this project: risk and
// opportunity cues with weights, hedges, negators, intensifiers and stop words.
// Entries are base forms; they are stemmed when the table is built, so their
// inflections match too.
#include <algorithm>
#include <iterator>
#include <map>
#include <roundtable/offline/analysis.hpp>
#include <vector>

namespace roundtable::offline {

namespace {

struct Entry {
    std::string_view word;
    double weight;
};

constexpr Entry k_risk[] = {
    {"decline", 1.0},      {"fall", 1.0},          {"fell", 1.0},          {"drop", 1.0},
    {"loss", 1.2},         {"lose", 1.0},          {"lost", 1.0},          {"lawsuit", 1.3},
    {"sue", 1.1},          {"recall", 1.4},        {"layoff", 1.3},        {"debt", 0.8},
    {"default", 1.4},      {"probe", 1.2},         {"investigation", 1.1}, {"warn", 1.1},
    {"warning", 1.1},      {"shortfall", 1.3},     {"miss", 1.0},          {"slump", 1.3},
    {"plunge", 1.4},       {"tumble", 1.3},        {"slow", 0.8},          {"slowdown", 1.0},
    {"risk", 0.7},         {"delay", 0.9},         {"fine", 0.6},          {"penalty", 1.0},
    {"bankruptcy", 1.8},   {"downgrade", 1.2},     {"weak", 1.0},          {"weaken", 1.0},
    {"weakness", 1.0},     {"deficit", 0.9},       {"halt", 1.0},          {"suspend", 1.0},
    {"shortage", 1.0},     {"antitrust", 0.7},     {"fraud", 1.6},         {"scandal", 1.5},
    {"crash", 1.4},        {"defect", 1.2},        {"defective", 1.2},     {"injury", 1.2},
    {"injured", 1.2},      {"death", 1.4},         {"complaint", 0.9},     {"concern", 0.8},
    {"uncertainty", 0.9},  {"uncertain", 0.8},     {"volatile", 0.7},      {"headwind", 1.0},
    {"underperform", 1.0}, {"writedown", 1.2},     {"impairment", 1.2},    {"liability", 0.9},
    {"breach", 1.1},       {"violation", 1.1},     {"closure", 1.0},       {"cut", 0.6},
    {"undervalue", 0.6},   {"litigation", 1.1},    {"costly", 0.8},        {"expensive", 0.6},
    {"struggle", 1.0},     {"fail", 1.1},          {"failure", 1.2},       {"worse", 0.9},
    {"worst", 1.1},        {"threat", 0.9},        {"threaten", 0.9},      {"damage", 1.0},
    {"hazard", 1.0},       {"fire", 0.7},          {"crisis", 1.3},        {"collapse", 1.5},
    {"resign", 0.9},       {"strike", 0.8},        {"inflation", 0.6},     {"pressure", 0.7},
    {"lower", 0.6},        {"sank", 1.1},          {"sink", 1.1},          {"dilute", 0.8},
    {"dilution", 0.8},     {"overdue", 0.8},       {"recession", 1.2},     {"tariff", 0.7},
    {"sanction", 0.9},     {"outage", 1.0},        {"hack", 1.1},          {"negative", 0.9},
    {"disappoint", 1.1},   {"disappointing", 1.1}, {"hurt", 1.0},          {"problem", 0.9},
    {"cost", 0.7},         {"withdraw", 1.3},      {"withdrew", 1.3},      {"covenant", 0.9},
    {"burn", 0.8},         {"slip", 1.0},          {"stretched", 0.8},     {"painful", 1.1},
    {"betrayal", 0.8},     {"depend", 0.6},        {"down", 0.6},          {"close", 0.5},
    {"divided", 0.5},      {"trip", 0.7},          {"worry", 0.9},         {"fear", 1.0},
    {"doubt", 0.8},        {"erode", 1.0},         {"squeeze", 0.9},       {"cancel", 1.0},
    {"scrap", 0.9},        {"abandon", 1.0},       {"downturn", 1.1},      {"bleak", 1.1},
    {"shut", 1.0},         {"unprofitable", 1.1},  {"writeoff", 1.2},      {"sold", 0.4},
};

constexpr Entry k_opportunity[] = {
    {"growth", 1.1},      {"grow", 1.0},       {"grew", 1.0},          {"record", 1.1},
    {"expand", 1.1},      {"expansion", 1.1},  {"launch", 0.9},        {"demand", 0.8},
    {"profit", 1.0},      {"profitable", 1.1}, {"profitability", 1.0}, {"beat", 1.2},
    {"partnership", 0.9}, {"partner", 0.6},    {"rise", 0.9},          {"rose", 0.9},
    {"gain", 1.0},        {"surge", 1.3},      {"jump", 1.1},          {"soar", 1.3},
    {"increase", 0.8},    {"improve", 1.0},    {"improvement", 1.0},   {"strong", 1.0},
    {"strength", 0.9},    {"win", 1.0},        {"won", 1.0},           {"approve", 0.9},
    {"approval", 0.9},    {"upgrade", 1.1},    {"innovation", 0.8},    {"innovative", 0.8},
    {"boost", 1.1},       {"hire", 0.9},       {"invest", 0.8},        {"investment", 0.8},
    {"save", 0.8},        {"saving", 0.8},     {"synergy", 0.9},       {"outperform", 1.1},
    {"exceed", 1.1},      {"accelerate", 1.0}, {"rebound", 1.1},       {"recover", 1.0},
    {"recovery", 1.0},    {"dividend", 0.8},   {"buyback", 0.8},       {"opportunity", 0.9},
    {"success", 1.0},     {"successful", 1.0}, {"momentum", 0.9},      {"tailwind", 1.0},
    {"higher", 0.6},      {"backlog", 0.7},    {"breakthrough", 1.2},  {"efficient", 0.7},
    {"efficiency", 0.7},  {"upbeat", 1.0},     {"optimistic", 0.9},    {"optimism", 0.9},
    {"robust", 1.0},      {"solid", 0.7},      {"healthy", 0.8},       {"positive", 0.8},
    {"climb", 1.0},       {"advance", 0.8},    {"benefit", 0.8},       {"lead", 0.6},
    {"leader", 0.7},      {"milestone", 0.9},  {"award", 0.8},         {"contract", 0.6},
    {"raise", 0.6},       {"upside", 1.0},     {"cheaper", 0.6},       {"affordable", 0.6},
    {"expanded", 1.1},    {"new", 0.3},        {"best", 0.9},          {"better", 0.8},
    {"survive", 1.0},     {"loyal", 1.0},      {"loyalty", 0.8},       {"floor", 0.8},
    {"double", 0.9},      {"buy", 0.4},        {"deliver", 0.5},       {"incentive", 0.5},
    {"easy", 0.6},        {"resilient", 1.0},  {"rally", 1.1},         {"guarantee", 0.5},
};

constexpr std::string_view k_hedges[] = {
    "could",       "may",        "might",    "expect",      "expects",   "plan",        "plans",
    "claim",       "claims",     "believe",  "estimate",    "forecast",  "project",     "hope",
    "aim",         "anticipate", "likely",   "potentially", "possibly",  "reportedly",  "allegedly",
    "would",       "should",     "intend",   "target",      "seek",      "predict",     "suggest",
    "outlook",     "promise",    "pledge",   "guidance",    "projected", "unconfirmed", "rumor",
    "speculation", "perhaps",    "probably", "aspire",      "envision",  "if",
};

constexpr std::string_view k_negators[] = {"not",    "no",      "never",  "without",
                                           "nor",    "neither", "none",   "cannot",
                                           "hardly", "nothing", "barely", "lack"};

constexpr Entry k_intensifiers[] = {
    {"sharply", 1.5},       {"significantly", 1.4}, {"very", 1.3},     {"deeply", 1.4},
    {"steep", 1.4},         {"massive", 1.5},       {"severe", 1.5},   {"severely", 1.5},
    {"major", 1.3},         {"huge", 1.4},          {"strongly", 1.4}, {"dramatically", 1.5},
    {"substantially", 1.4}, {"serious", 1.4},       {"big", 1.2},      {"biggest", 1.4},
    {"largest", 1.3},       {"widespread", 1.4},    {"widen", 1.3},    {"deepen", 1.3},
    {"steepest", 1.4},      {"sharpest", 1.4},
};

constexpr std::string_view k_stop_words[] = {
    "a",      "about",   "above",     "after",   "again",   "against", "all",    "also",    "am",
    "an",     "and",     "any",       "are",     "as",      "at",      "be",     "because", "been",
    "before", "being",   "below",     "between", "both",    "but",     "by",     "can",     "could",
    "did",    "do",      "does",      "doing",   "down",    "during",  "each",   "few",     "for",
    "from",   "further", "had",       "has",     "have",    "having",  "he",     "her",     "here",
    "hers",   "him",     "his",       "how",     "i",       "if",      "in",     "into",    "is",
    "it",     "its",     "itself",    "just",    "may",     "me",      "might",  "more",    "most",
    "much",   "must",    "my",        "no",      "nor",     "not",     "now",    "of",      "off",
    "on",     "once",    "only",      "or",      "other",   "our",     "out",    "over",    "own",
    "per",    "said",    "same",      "say",     "says",    "she",     "should", "since",   "so",
    "some",   "such",    "than",      "that",    "the",     "their",   "them",   "then",    "there",
    "these",  "they",    "this",      "those",   "through", "to",      "too",    "under",   "until",
    "up",     "upon",    "us",        "very",    "was",     "we",      "were",   "what",    "when",
    "where",  "which",   "while",     "who",     "whom",    "why",     "will",   "with",    "would",
    "year",   "years",   "yet",       "you",     "your",    "new",     "one",    "two",     "three",
    "also",   "told",    "according", "mr",      "ms",
};

struct Tables {
    std::map<std::string, Cue, std::less<>> cues;
    std::vector<std::string_view> stop_words; // sorted: a binary search per word, not a scan
};

const Tables& tables() {
    static const Tables k_tables = [] {
        Tables t;
        t.stop_words.assign(std::begin(k_stop_words), std::end(k_stop_words));
        std::sort(t.stop_words.begin(), t.stop_words.end());
        // Earlier tables win on a shared stem: negators, then hedges, then intensifiers, then cues.
        for (auto word : k_negators) {
            t.cues.emplace(stem(word), Cue{CueKind::negator, 1.0});
        }
        for (auto word : k_hedges) {
            t.cues.emplace(stem(word), Cue{CueKind::hedge, 1.0});
        }
        for (const auto& e : k_intensifiers) {
            t.cues.emplace(stem(e.word), Cue{CueKind::intensifier, e.weight});
        }
        for (const auto& e : k_risk) {
            t.cues.emplace(stem(e.word), Cue{CueKind::risk, e.weight});
        }
        for (const auto& e : k_opportunity) {
            t.cues.emplace(stem(e.word), Cue{CueKind::opportunity, e.weight});
        }
        return t;
    }();
    return k_tables;
}

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

bool is_vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

} // namespace

std::string stem(std::string_view word) {
    std::string s(word);
    if (ends_with(s, "'s")) {
        s.resize(s.size() - 2);
    }
    bool stripped = false;
    if (s.size() > 4 && ends_with(s, "ies")) {
        s.replace(s.size() - 3, 3, "y");
    } else if (s.size() > 5 && ends_with(s, "ing")) {
        s.resize(s.size() - 3);
        stripped = true;
    } else if (s.size() > 4 && ends_with(s, "ed") && !ends_with(s, "eed")) {
        s.resize(s.size() - 2);
        stripped = true;
    } else if (s.size() > 4 && ends_with(s, "es") &&
               (ends_with(s, "sses") || ends_with(s, "xes") || ends_with(s, "ches") ||
                ends_with(s, "shes"))) {
        s.resize(s.size() - 2);
    } else if (s.size() > 3 && ends_with(s, "s") && !ends_with(s, "ss") && !ends_with(s, "us") &&
               !ends_with(s, "is")) {
        s.resize(s.size() - 1);
    }
    if (stripped && s.size() > 3) {
        char a = s[s.size() - 1];
        char b = s[s.size() - 2];
        if (a == b && !is_vowel(a) && a != 'l' && a != 's' && a != 'z') {
            s.pop_back(); // dropped -> drop, cutting -> cut
        }
    }
    if (s.size() > 5 && ends_with(s, "ly")) {
        s.resize(s.size() - 2);
    }
    if (s.size() > 3 && ends_with(s, "e")) {
        s.pop_back();
    }
    return s;
}

const Cue* find_cue(std::string_view word_stem) {
    const auto& cues = tables().cues;
    auto it = cues.find(word_stem);
    return it == cues.end() ? nullptr : &it->second;
}

bool is_stop_word(std::string_view word) {
    const auto& words = tables().stop_words;
    return std::binary_search(words.begin(), words.end(), word);
}

} // namespace roundtable::offline
