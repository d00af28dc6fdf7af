// Per-article analysis of the offline analysts: tokens, cue scores with
// negation, content terms and TextRank salience, and the shared cache.
#include <algorithm>
#include <cmath>
#include <deque>
#include <future>
#include <mutex>
#include <roundtable/article/sentences.hpp>
#include <roundtable/guard/injection.hpp>
#include <roundtable/offline/analysis.hpp>

namespace roundtable::offline {

namespace {

// TextRank runs over at most this many sentences: the first k_lead_candidates
// plus the k_cue_candidates most cue-laden of the rest, so it stays cheap on a
// 1 MiB article. Others get no centrality, only the lead bonus.
constexpr std::size_t k_lead_candidates = 300;
constexpr std::size_t k_cue_candidates = 200;
constexpr int k_iterations = 40;
constexpr double k_damping = 0.85;
constexpr std::size_t k_cache_entries = 4;
constexpr std::size_t k_negation_window = 3;
constexpr std::size_t k_intensifier_window = 2;
constexpr std::size_t k_reversal_window = 2;

bool is_letter(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

// A right single quote (’) between letters is an apostrophe.
bool curly_apostrophe_at(std::string_view text, std::size_t i) {
    return text.substr(i, 3) == "\xE2\x80\x99" && i > 0 &&
           is_letter(static_cast<unsigned char>(text[i - 1])) && i + 3 < text.size() &&
           is_letter(static_cast<unsigned char>(text[i + 3]));
}

struct Token {
    std::string word; // lowercase; empty for a number
    bool number = false;
    bool figure = false; // a number that counts as a figure
};

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        if (is_letter(c)) {
            std::string word;
            while (i < text.size()) {
                auto d = static_cast<unsigned char>(text[i]);
                if (is_letter(d)) {
                    word.push_back(static_cast<char>(d >= 'A' && d <= 'Z' ? d - 'A' + 'a' : d));
                    ++i;
                } else if (d == '\'' && i + 1 < text.size() &&
                           is_letter(static_cast<unsigned char>(text[i + 1])) && !word.empty()) {
                    word.push_back('\'');
                    ++i;
                } else if (curly_apostrophe_at(text, i)) {
                    word.push_back('\'');
                    i += 3;
                } else {
                    break;
                }
            }
            out.push_back(Token{std::move(word), false, false});
        } else if (is_digit(c)) {
            std::size_t start = i;
            while (i < text.size() && (is_digit(static_cast<unsigned char>(text[i])) ||
                                       ((text[i] == '.' || text[i] == ',') && i + 1 < text.size() &&
                                        is_digit(static_cast<unsigned char>(text[i + 1]))))) {
                ++i;
            }
            std::string_view digits = text.substr(start, i - start);
            bool money = start > 0 && (text[start - 1] == '$' ||
                                       (start >= 2 && text.substr(start - 2, 2) == "\xC2\xA3") ||
                                       (start >= 3 && text.substr(start - 3, 3) == "\xE2\x82\xAC"));
            bool percent = i < text.size() && text[i] == '%';
            bool year =
                digits.size() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
            out.push_back(Token{{}, true, money || percent || !year});
        } else {
            ++i;
        }
    }
    return out;
}

bool negator_at(const std::vector<Token>& tokens, std::size_t k) {
    const std::string& w = tokens[k].word;
    if (w.empty()) {
        return false;
    }
    if (w.size() > 3 && w.ends_with("n't")) {
        return true;
    }
    if ((w == "fail" || w == "fails" || w == "failed") && k + 1 < tokens.size() &&
        tokens[k + 1].word == "to") {
        return true;
    }
    const Cue* cue = find_cue(stem(w));
    if (cue == nullptr || cue->kind != CueKind::negator) {
        return false;
    }
    // "not every risk", "not only losses": partial or additive, not a negation.
    if (k + 1 < tokens.size()) {
        const std::string& next = tokens[k + 1].word;
        if (next == "every" || next == "all" || next == "only" || next == "just" ||
            next == "merely") {
            return false;
        }
    }
    return true;
}

std::size_t common_terms(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    std::size_t n = 0;
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() && j != b.end()) {
        if (*i < *j) {
            ++i;
        } else if (*j < *i) {
            ++j;
        } else {
            ++n;
            ++i;
            ++j;
        }
    }
    return n;
}

void text_rank(std::vector<SentenceFeatures>& sentences) {
    std::vector<std::size_t> nodes;
    for (std::size_t i = 0; i < sentences.size() && i < k_lead_candidates; ++i) {
        nodes.push_back(i);
    }
    if (sentences.size() > k_lead_candidates) {
        std::vector<std::size_t> rest;
        for (std::size_t i = k_lead_candidates; i < sentences.size(); ++i) {
            rest.push_back(i);
        }
        auto weight = [&](std::size_t i) {
            const CueScore& c = sentences[i].cues;
            return c.risk + c.opportunity + 0.5 * c.hedge + 0.25 * std::min(c.figures, 4);
        };
        std::size_t keep = std::min(k_cue_candidates, rest.size());
        std::partial_sort(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(keep),
                          rest.end(), [&](std::size_t a, std::size_t b) {
                              double wa = weight(a);
                              double wb = weight(b);
                              return wa != wb ? wa > wb : a < b;
                          });
        nodes.insert(nodes.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(keep));
    }
    std::size_t n = nodes.size();
    // Similarity graph: shared content terms over the log of the sentences' sizes.
    std::vector<std::vector<std::pair<std::size_t, double>>> edges(n);
    std::vector<double> out_weight(n, 0.0);
    for (std::size_t a = 0; a < n; ++a) {
        const auto& ta = sentences[nodes[a]].terms;
        if (ta.empty()) {
            continue;
        }
        for (std::size_t b = a + 1; b < n; ++b) {
            const auto& tb = sentences[nodes[b]].terms;
            if (tb.empty()) {
                continue;
            }
            std::size_t common = common_terms(ta, tb);
            if (common == 0) {
                continue;
            }
            double w =
                static_cast<double>(common) / (std::log(2.0 + static_cast<double>(ta.size())) +
                                               std::log(2.0 + static_cast<double>(tb.size())));
            edges[a].emplace_back(b, w);
            edges[b].emplace_back(a, w);
            out_weight[a] += w;
            out_weight[b] += w;
        }
    }
    std::vector<double> score(n, 1.0);
    std::vector<double> next(n, 0.0);
    for (int iteration = 0; iteration < k_iterations; ++iteration) {
        for (std::size_t a = 0; a < n; ++a) {
            double sum = 0.0;
            for (const auto& [b, w] : edges[a]) {
                sum += w / out_weight[b] * score[b];
            }
            next[a] = (1.0 - k_damping) + k_damping * sum;
        }
        score.swap(next);
    }
    double top = 0.0;
    for (double s : score) {
        top = std::max(top, s);
    }
    for (std::size_t a = 0; a < n; ++a) {
        double centrality = top > 0.0 ? score[a] / top : 0.0;
        sentences[nodes[a]].salience = 0.85 * centrality;
    }
    // A small lead bonus: news puts what matters first.
    for (std::size_t i = 0; i < sentences.size(); ++i) {
        sentences[i].salience += 0.15 / (1.0 + 0.25 * static_cast<double>(i));
    }
}

} // namespace

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    for (auto& token : tokenize(text)) {
        if (!token.number) {
            out.push_back(std::move(token.word));
        }
    }
    return out;
}

CueScore score_cues(std::string_view sentence) {
    CueScore score;
    std::vector<Token> tokens = tokenize(sentence);
    std::vector<const Cue*> cues(tokens.size(), nullptr);
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        if (tokens[k].number) {
            score.figures += tokens[k].figure ? 1 : 0;
            continue;
        }
        ++score.words;
        cues[k] = find_cue(stem(tokens[k].word));
    }
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const Cue* cue = cues[k];
        if (cue == nullptr) {
            // "analysts say", "according to": attributed, not established.
            const std::string& w = tokens[k].word;
            if (k + 1 < tokens.size() &&
                (w == "analysts" || w == "analyst" || w == "critics" || w == "experts") &&
                (tokens[k + 1].word == "say" || tokens[k + 1].word == "said" ||
                 tokens[k + 1].word == "says")) {
                score.hedge += 1.0;
            } else if (w == "according" && k + 1 < tokens.size() && tokens[k + 1].word == "to") {
                score.hedge += 1.0;
            }
            continue;
        }
        if (cue->kind == CueKind::hedge) {
            score.hedge += 1.0;
            continue;
        }
        if (cue->kind != CueKind::risk && cue->kind != CueKind::opportunity) {
            continue;
        }
        double weight = cue->weight;
        bool negated = false;
        for (std::size_t back = 1; back <= k_negation_window && back <= k; ++back) {
            if (negator_at(tokens, k - back)) {
                negated = true;
                break;
            }
        }
        for (std::size_t back = 1; back <= k_intensifier_window && back <= k; ++back) {
            if (cues[k - back] != nullptr && cues[k - back]->kind == CueKind::intensifier) {
                weight *= cues[k - back]->weight;
                break;
            }
        }
        // An intensifier right after the cue counts too ("fell sharply").
        if (k + 1 < tokens.size() && cues[k + 1] != nullptr &&
            cues[k + 1]->kind == CueKind::intensifier) {
            weight *= cues[k + 1]->weight;
        }
        // An upside noun that a downside word follows reads as a downside: "growth
        // has slowed", "profit fell".
        if (cue->kind == CueKind::opportunity && !negated) {
            for (std::size_t ahead = 1; ahead <= k_reversal_window && k + ahead < tokens.size();
                 ++ahead) {
                if (cues[k + ahead] != nullptr && cues[k + ahead]->kind == CueKind::risk) {
                    negated = true;
                    break;
                }
                if (cues[k + ahead] != nullptr && cues[k + ahead]->kind == CueKind::opportunity) {
                    break;
                }
            }
        }
        bool risk = (cue->kind == CueKind::risk) != negated;
        (risk ? score.risk : score.opportunity) += weight;
    }
    return score;
}

bool looks_like_heading(std::string_view sentence) {
    while (!sentence.empty()) {
        if (sentence.ends_with('"') || sentence.ends_with('\'') || sentence.ends_with(')') ||
            sentence.ends_with(']')) {
            sentence.remove_suffix(1);
        } else if (sentence.ends_with("\xE2\x80\x9D") ||
                   sentence.ends_with("\xE2\x80\x99")) { // ” ’
            sentence.remove_suffix(3);
        } else {
            break;
        }
    }
    return !(sentence.ends_with('.') || sentence.ends_with('!') || sentence.ends_with('?') ||
             sentence.ends_with("\xE2\x80\xA6")); // …
}

std::string_view Analysis::sentence_text(std::size_t i) const {
    const SentenceFeatures& s = sentences[i];
    return std::string_view(text).substr(s.begin, s.end - s.begin);
}

std::size_t Analysis::sentence_at(std::size_t offset) const {
    auto it = std::upper_bound(
        sentences.begin(), sentences.end(), offset,
        [](std::size_t value, const SentenceFeatures& s) { return value < s.begin; });
    if (it == sentences.begin()) {
        return std::string::npos;
    }
    --it;
    return offset < it->end ? static_cast<std::size_t>(it - sentences.begin()) : std::string::npos;
}

std::size_t Analysis::locate(std::string_view quote) const {
    if (quote.empty()) {
        return std::string::npos;
    }
    std::size_t pos = text.find(quote);
    return pos == std::string::npos ? pos : sentence_at(pos);
}

std::vector<std::uint32_t> Analysis::terms_of(std::string_view fragment) const {
    std::vector<std::uint32_t> out;
    for (const auto& word : words_of(fragment)) {
        if (is_stop_word(word)) {
            continue;
        }
        if (auto it = vocabulary.find(stem(word)); it != vocabulary.end()) {
            out.push_back(it->second);
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

Analysis analyze_uncached(std::string_view article) {
    Analysis analysis;
    analysis.text = std::string(article);
    for (const auto& s : article::split_sentences(analysis.text)) {
        SentenceFeatures features;
        features.begin = s.begin;
        features.end = s.end;
        features.paragraph = s.paragraph;
        std::string_view body = std::string_view(analysis.text).substr(s.begin, s.end - s.begin);
        features.cues = score_cues(body);
        for (const auto& word : words_of(body)) {
            if (word.size() < 2 || is_stop_word(word)) {
                continue;
            }
            auto next_id = static_cast<std::uint32_t>(analysis.vocabulary.size());
            auto [it, inserted] = analysis.vocabulary.emplace(stem(word), next_id);
            features.terms.push_back(it->second);
        }
        std::sort(features.terms.begin(), features.terms.end());
        features.terms.erase(std::unique(features.terms.begin(), features.terms.end()),
                             features.terms.end());
        analysis.sentences.push_back(std::move(features));
    }
    bool all_headings = true;
    for (auto& features : analysis.sentences) {
        const std::string_view body =
            std::string_view(analysis.text).substr(features.begin, features.end - features.begin);
        features.heading = looks_like_heading(body);
        features.instruction = guard::looks_like_instruction(body);
        all_headings = all_headings && features.heading;
    }
    if (all_headings) {
        for (auto& features : analysis.sentences) {
            features.heading = false;
        }
    }
    text_rank(analysis.sentences);
    return analysis;
}

std::shared_ptr<const Analysis> analyze(std::string_view article) {
    using Future = std::shared_future<std::shared_ptr<const Analysis>>;
    struct Entry {
        std::size_t hash;
        std::size_t size;
        Future future;
    };
    static std::mutex mutex;
    static std::deque<Entry> cache;

    std::size_t hash = std::hash<std::string_view>{}(article);
    std::promise<std::shared_ptr<const Analysis>> promise;
    Future future;
    bool owner = false;
    {
        std::lock_guard lock(mutex);
        auto it = std::find_if(cache.begin(), cache.end(), [&](const Entry& e) {
            return e.hash == hash && e.size == article.size();
        });
        if (it != cache.end()) {
            future = it->future;
        } else {
            future = promise.get_future().share();
            cache.push_back(Entry{hash, article.size(), future});
            if (cache.size() > k_cache_entries) {
                cache.pop_front();
            }
            owner = true;
        }
    }
    if (owner) {
        try {
            promise.set_value(std::make_shared<const Analysis>(analyze_uncached(article)));
        } catch (...) {
            {
                std::lock_guard lock(mutex);
                std::erase_if(cache, [&](const Entry& e) {
                    return e.hash == hash && e.size == article.size();
                });
            }
            promise.set_exception(std::current_exception());
        }
    }
    std::shared_ptr<const Analysis> result = future.get();
    if (result->text != article) {
        // A hash collision: analyse this article on its own, uncached.
        return std::make_shared<const Analysis>(analyze_uncached(article));
    }
    return result;
}

} // namespace roundtable::offline
