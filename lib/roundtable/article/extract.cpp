#include <algorithm>
#include <array>
#include <cstring>
#include <roundtable/article/extract.hpp>
#include <roundtable/article/normalize.hpp>
#include <unordered_set>
#include <vector>

namespace roundtable::article {

namespace {

// Class/id words that mark boilerplate wherever they are.
constexpr std::array<std::string_view, 56> k_hard_negative{
    "comment",      "comments",    "commentlist",   "disqus",       "related",
    "relatedlinks", "recommended", "recommend",     "outbrain",     "taboola",
    "newsletter",   "newsletters", "subscribe",     "subscription", "cookie",
    "cookies",      "consent",     "gdpr",          "share",        "sharing",
    "sharebar",     "shares",      "social",        "socials",      "promo",
    "promotion",    "advert",      "advertisement", "ad",           "ads",
    "adsense",      "sponsor",     "sponsored",     "breadcrumb",   "breadcrumbs",
    "trending",     "popular",     "byline",        "author",       "signup",
    "outstream",    "dfp",         "gpt",           "adslot",       "adunit",
    "caption",      "captions",    "credit",        "credits",      "figcaption",
    "readmore",     "sr",          "carousel",      "gallery",      "slideshow",
    "lightbox"};

// Class/id words that mark boilerplate in small elements only (wrappers carry them too).
constexpr std::array<std::string_view, 40> k_soft_negative{
    "nav",      "navbar", "navigation", "menu",     "sidebar",   "footer",   "header",
    "masthead", "widget", "hidden",     "hide",     "rail",      "aside",    "pagination",
    "pager",    "skip",   "meta",       "tools",    "utility",   "login",    "print",
    "paywall",  "date",   "timestamp",  "time",     "published", "updated",  "photo",
    "image",    "video",  "player",     "embed",    "dateline",  "visually", "modal",
    "popup",    "banner", "toolbar",    "keywords", "tags"};

// Class/id words that mark content.
constexpr std::array<std::string_view, 16> k_positive{
    "article", "body", "content", "entry", "hentry",   "main",        "page",      "post",
    "text",    "blog", "story",   "prose", "richtext", "articlebody", "storybody", "copy"};

// Phrases that make a short block a call to act, not text.
constexpr std::array<std::string_view, 14> k_cues{
    "newsletter",         "subscribe to",        "follow us",        "follow him on",
    "follow her on",      "all rights reserved", "sign up for",      "click here",
    "have a tip?",        "reach the reporter",  "download the app", "get the latest updates",
    "copyright \xC2\xA9", "\xC2\xA9 20"};

// Whole blocks that are labels, not text.
constexpr std::array<std::string_view, 27> k_labels{"advertisement",
                                                    "like this:",
                                                    "like loading...",
                                                    "share this:",
                                                    "advertisements",
                                                    "ad",
                                                    "advert",
                                                    "sponsored",
                                                    "sponsored content",
                                                    "story continues below advertisement",
                                                    "article continues below advertisement",
                                                    "continue reading below",
                                                    "article continues below",
                                                    "skip advertisement",
                                                    "scroll to continue with content",
                                                    "continue reading",
                                                    "read more",
                                                    "share",
                                                    "share this",
                                                    "share this article",
                                                    "share this story",
                                                    "tweet",
                                                    "email",
                                                    "print",
                                                    "loading",
                                                    "loading...",
                                                    "related"};

bool contains(auto const& list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

bool is_block(GumboTag tag) noexcept {
    switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_NOSCRIPT:
        return true;
    default:
        return false;
    }
}

bool is_heading(GumboTag tag) noexcept {
    return tag == GUMBO_TAG_H2 || tag == GUMBO_TAG_H3 || tag == GUMBO_TAG_H4 ||
           tag == GUMBO_TAG_H5 || tag == GUMBO_TAG_H6;
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

bool is_hidden_style(std::string_view style) {
    std::string compact;
    for (const char c : style) {
        if (c != ' ' && c != '\t' && c != '\n') {
            compact.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
    }
    return compact.find("display:none") != std::string::npos ||
           compact.find("visibility:hidden") != std::string::npos;
}

class Extractor {
public:
    Extractor(const Dom& dom, std::string_view title, const ExtractOptions& options)
        : m_dom(dom), m_nodes(dom.nodes()), m_title(normalize_line(title)), m_options(options) {
        const std::size_t n = m_nodes.size();
        m_dead.assign(n, false);
        m_chars.assign(n, 0);
        m_links.assign(n, 0);
        m_commas.assign(n, 0);
        m_weight.assign(n, 0);
        m_score.assign(n, 0.0);
        m_scored.assign(n, false);
        m_paragraph.assign(n, false);
    }

    std::string run() {
        if (m_nodes.empty()) {
            return {};
        }
        m_body = 0;
        for (int i = 0; i < size(); ++i) {
            if (!m_nodes[idx(i)].is_text && m_nodes[idx(i)].tag == GUMBO_TAG_BODY) {
                m_body = i;
                break;
            }
        }
        mark_boilerplate();
        count_live_text();
        if (m_chars[idx(m_body)] == 0) {
            return {};
        }
        score_paragraphs();
        const int top = pick_top();
        std::vector<int> parts = gather(top);
        std::string out;
        for (const int part : parts) {
            emit(part, part == top || parts.size() == 1, out);
            out.append("\n\n");
        }
        return dedupe(out);
    }

private:
    static std::size_t idx(int i) { return static_cast<std::size_t>(i); }
    int size() const { return static_cast<int>(m_nodes.size()); }

    double link_density(int i) const {
        const std::uint32_t c = m_chars[idx(i)];
        return c == 0 ? 0.0 : static_cast<double>(m_links[idx(i)]) / c;
    }

    // Sets aside the boilerplate subtrees of step 1; records each element's hint weight.
    void mark_boilerplate() {
        const double total = std::max<std::uint32_t>(
            1, m_nodes[idx(m_body)].chars -
                   (m_options.noscript ? 0 : m_nodes[idx(m_body)].noscript_chars));
        for (int i = m_body; i < m_nodes[idx(m_body)].end; ++i) {
            const DomNode& n = m_nodes[idx(i)];
            if (n.parent >= 0 && m_dead[idx(n.parent)]) {
                m_dead[idx(i)] = true;
                continue;
            }
            if (n.is_text || i == m_body) {
                continue;
            }
            const double share = n.chars / total;
            bool junk = false;
            switch (n.tag) {
            case GUMBO_TAG_NOSCRIPT:
                junk = !m_options.noscript;
                break;
            case GUMBO_TAG_NAV:
            case GUMBO_TAG_ASIDE:
                junk = true; // never the article, whatever its size
                break;
            case GUMBO_TAG_FIGURE:
            case GUMBO_TAG_FIGCAPTION:
            case GUMBO_TAG_HEADER:
            case GUMBO_TAG_FOOTER:
                junk = share < 0.5;
                break;
            case GUMBO_TAG_FORM:
                junk = share < 0.3;
                break;
            default:
                break;
            }
            if (!junk && (m_dom.attr(i, "hidden").data() != nullptr ||
                          m_dom.attr(i, "aria-hidden") == "true" ||
                          is_hidden_style(m_dom.attr(i, "style")))) {
                junk = share < 0.5;
            }
            if (!junk) {
                bool hard = false;
                bool soft = false;
                bool positive = false;
                for (const std::string& word : m_dom.hint_words(i)) {
                    hard = hard || contains(k_hard_negative, word);
                    soft = soft || contains(k_soft_negative, word);
                    positive = positive || contains(k_positive, word);
                }
                const std::string_view itemprop = m_dom.attr(i, "itemprop");
                if (itemprop == "articleBody" || itemprop == "text") {
                    positive = true;
                    m_weight[idx(i)] += 40;
                }
                if (positive) {
                    m_weight[idx(i)] += 25;
                }
                if (hard || soft) {
                    m_weight[idx(i)] -= 25;
                }
                if (hard) {
                    junk = share < (positive ? 0.25 : 0.6);
                } else if (soft && !positive) {
                    junk = share < 0.4;
                }
            }
            m_dead[idx(i)] = junk;
        }
    }

    // Sums the text of live nodes bottom-up.
    void count_live_text() {
        for (int i = size() - 1; i >= 0; --i) {
            const DomNode& n = m_nodes[idx(i)];
            if (m_dead[idx(i)]) {
                continue;
            }
            if (n.is_text) {
                m_chars[idx(i)] = n.chars;
                m_links[idx(i)] = n.link_chars;
                m_commas[idx(i)] = n.commas;
            }
            if (n.parent >= 0) {
                m_chars[idx(n.parent)] += m_chars[idx(i)];
                m_links[idx(n.parent)] += m_links[idx(i)];
                m_commas[idx(n.parent)] += m_commas[idx(i)];
            }
        }
    }

    bool has_block_child(int i) const {
        const DomNode& n = m_nodes[idx(i)];
        for (int c = i + 1; c < n.end; c = m_nodes[idx(c)].end) {
            const DomNode& child = m_nodes[idx(c)];
            if (!child.is_text && !m_dead[idx(c)] && is_block(child.tag)) {
                return true;
            }
        }
        return false;
    }

    double tag_base(int i) const {
        switch (m_nodes[idx(i)].tag) {
        case GUMBO_TAG_ARTICLE:
            return 15;
        case GUMBO_TAG_MAIN:
            return 8;
        case GUMBO_TAG_DIV:
        case GUMBO_TAG_SECTION:
            return 5;
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_TD:
        case GUMBO_TAG_BLOCKQUOTE:
            return 3;
        case GUMBO_TAG_ADDRESS:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_UL:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_DD:
        case GUMBO_TAG_DT:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_FORM:
            return -3;
        case GUMBO_TAG_H1:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
        case GUMBO_TAG_TH:
            return -5;
        default:
            return 0;
        }
    }

    void touch(int i) {
        if (!m_scored[idx(i)]) {
            m_scored[idx(i)] = true;
            m_score[idx(i)] = tag_base(i) + m_weight[idx(i)];
            m_candidates.push_back(i);
        }
    }

    // Step 2: paragraphs give their score to their ancestors.
    void score_paragraphs() {
        for (int i = m_body; i < m_nodes[idx(m_body)].end; ++i) {
            const DomNode& n = m_nodes[idx(i)];
            if (m_dead[idx(i)]) {
                i = n.end - 1;
                continue;
            }
            if (n.is_text) {
                continue;
            }
            bool paragraph = false;
            switch (n.tag) {
            case GUMBO_TAG_P:
            case GUMBO_TAG_PRE:
            case GUMBO_TAG_TD:
                paragraph = true;
                break;
            case GUMBO_TAG_DIV:
            case GUMBO_TAG_SECTION:
            case GUMBO_TAG_ARTICLE:
            case GUMBO_TAG_SPAN:
            case GUMBO_TAG_FONT:
            case GUMBO_TAG_CENTER:
            case GUMBO_TAG_BLOCKQUOTE:
                paragraph = !has_block_child(i);
                break;
            default:
                break;
            }
            const std::uint32_t length = m_chars[idx(i)];
            if (!paragraph || length < 25) {
                continue;
            }
            m_paragraph[idx(i)] = true;
            const double gain = 1.0 + m_commas[idx(i)] + std::min(length / 100.0, 3.0);
            int ancestor = n.parent;
            for (int level = 0; ancestor >= 0 && level < 5; ++level) {
                if (ancestor < m_body) {
                    break;
                }
                touch(ancestor);
                const double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
                m_score[idx(ancestor)] += gain / divider;
                ancestor = m_nodes[idx(ancestor)].parent;
            }
            // Skip inside a <p> or <pre>: nested blocks are not paragraphs of their own.
            if (n.tag == GUMBO_TAG_P || n.tag == GUMBO_TAG_PRE) {
                i = n.end - 1;
            }
        }
        for (const int c : m_candidates) {
            m_score[idx(c)] *= 1.0 - link_density(c);
        }
    }

    // Returns the characters of sentence-like paragraphs (80+ characters, under a
    // quarter link text) under `i`.
    double good_text(int i) const {
        double sum = 0;
        for (int j = i; j < m_nodes[idx(i)].end; ++j) {
            if (m_dead[idx(j)]) {
                j = m_nodes[idx(j)].end - 1;
            } else if (m_paragraph[idx(j)]) {
                if (m_chars[idx(j)] >= 80 && link_density(j) < 0.25) {
                    sum += m_chars[idx(j)];
                }
                j = m_nodes[idx(j)].end - 1;
            }
        }
        return sum;
    }

    bool is_ancestor(int ancestor, int node) const {
        return node > ancestor && node < m_nodes[idx(ancestor)].end;
    }

    // Step 3: the container.
    int pick_top() const {
        int top = -1;
        for (const int c : m_candidates) {
            if (top < 0 || m_score[idx(c)] > m_score[idx(top)]) {
                top = c;
            }
        }
        if (top < 0) { // no paragraph long enough: the semantic container, if any
            int main = -1;
            for (int i = m_body; i < m_nodes[idx(m_body)].end; ++i) {
                const DomNode& n = m_nodes[idx(i)];
                if (m_dead[idx(i)]) {
                    i = n.end - 1;
                } else if (!n.is_text && n.tag == GUMBO_TAG_ARTICLE &&
                           (top < 0 || m_chars[idx(i)] > m_chars[idx(top)])) {
                    top = i;
                } else if (!n.is_text && n.tag == GUMBO_TAG_MAIN && main < 0) {
                    main = i;
                }
            }
            return top >= 0 && m_chars[idx(top)] > 0 ? top : main >= 0 ? main : m_body;
        }
        // Other strong candidates elsewhere: the lowest common ancestor of three of them.
        std::vector<int> strong;
        for (const int c : m_candidates) {
            if (c != top && m_score[idx(c)] >= 0.75 * m_score[idx(top)] && !is_ancestor(top, c) &&
                !is_ancestor(c, top)) {
                strong.push_back(c);
            }
        }
        if (strong.size() >= 3) {
            for (int a = m_nodes[idx(top)].parent; a >= m_body; a = m_nodes[idx(a)].parent) {
                int held = 0;
                for (const int s : strong) {
                    held += is_ancestor(a, s) ? 1 : 0;
                }
                if (held >= 3) {
                    top = a;
                    break;
                }
            }
        }
        // Climb while an ancestor scores higher.
        double last = m_score[idx(top)];
        const double threshold = last / 3;
        for (int a = m_nodes[idx(top)].parent; a > m_body; a = m_nodes[idx(a)].parent) {
            if (!m_scored[idx(a)]) {
                continue;
            }
            if (m_score[idx(a)] < threshold) {
                break;
            }
            if (m_score[idx(a)] > last) {
                top = a;
                last = m_score[idx(a)];
            }
        }
        // Continuity: an ancestor up to six levels above that holds much more paragraph
        // text (an article split into sections by a sidebar or a figure) is the container,
        // unless it is link-heavy.
        const double base = good_text(top);
        int level = 0;
        for (int a = m_nodes[idx(top)].parent; a > m_body && level < 6;
             a = m_nodes[idx(a)].parent, ++level) {
            if (good_text(a) >= 1.5 * base && link_density(a) < 0.2 && m_weight[idx(a)] >= 0) {
                top = a;
            }
        }
        // A lone child: its parent is the same container.
        for (int a = m_nodes[idx(top)].parent; a > m_body; a = m_nodes[idx(a)].parent) {
            if (m_chars[idx(a)] != m_chars[idx(top)]) {
                break;
            }
            top = a;
        }
        return top;
    }

    bool ends_sentence(int i) const {
        const std::string text = m_dom.line_text(i);
        return !text.empty() && (text.back() == '.' || text.back() == '?' || text.back() == '!' ||
                                 text.ends_with("\xE2\x80\x9D") || text.back() == '"');
    }

    std::vector<int> gather(int top) const {
        const int parent = m_nodes[idx(top)].parent;
        if (top == m_body || parent < 0) {
            return {top};
        }
        const double threshold = std::max(10.0, m_score[idx(top)] * 0.2);
        const std::string top_class(m_dom.attr(top, "class"));
        std::vector<int> parts;
        for (int c = parent + 1; c < m_nodes[idx(parent)].end; c = m_nodes[idx(c)].end) {
            const DomNode& s = m_nodes[idx(c)];
            if (c == top) {
                parts.push_back(c);
                continue;
            }
            if (s.is_text || m_dead[idx(c)] || m_chars[idx(c)] == 0) {
                continue;
            }
            double bonus = 0;
            if (!top_class.empty() && m_dom.attr(c, "class") == top_class) {
                bonus = m_score[idx(top)] * 0.2;
            }
            bool take = m_scored[idx(c)] && m_score[idx(c)] + bonus >= threshold;
            if (!take && (s.tag == GUMBO_TAG_P || m_paragraph[idx(c)])) {
                const std::uint32_t length = m_chars[idx(c)];
                const double density = link_density(c);
                take = (length > 80 && density < 0.25) ||
                       (length > 0 && density == 0 && ends_sentence(c));
            }
            if (take) {
                parts.push_back(c);
            }
        }
        // A heading goes with the taken block that follows it.
        std::vector<int> ordered;
        for (int c = parent + 1; c < m_nodes[idx(parent)].end; c = m_nodes[idx(c)].end) {
            if (std::find(parts.begin(), parts.end(), c) != parts.end()) {
                ordered.push_back(c);
                continue;
            }
            const DomNode& s = m_nodes[idx(c)];
            if (s.is_text || m_dead[idx(c)] || !is_heading(s.tag)) {
                continue;
            }
            int next = s.end;
            while (next < m_nodes[idx(parent)].end &&
                   (m_nodes[idx(next)].is_text || m_dead[idx(next)])) {
                next = m_nodes[idx(next)].end;
            }
            if (std::find(parts.begin(), parts.end(), next) != parts.end()) {
                ordered.push_back(c);
            }
        }
        return ordered;
    }

    int count_items(int i) const {
        int items = 0;
        for (int c = i + 1; c < m_nodes[idx(i)].end; c = m_nodes[idx(c)].end) {
            items += !m_nodes[idx(c)].is_text && m_nodes[idx(c)].tag == GUMBO_TAG_LI ? 1 : 0;
        }
        return items;
    }

    // Returns whether element `i` inside the container is left out (step 4).
    bool drop_inside(int i) const {
        const DomNode& n = m_nodes[idx(i)];
        const std::uint32_t length = m_chars[idx(i)];
        if (length == 0) {
            return false;
        }
        const double density = link_density(i);
        const int weight = m_weight[idx(i)];
        switch (n.tag) {
        case GUMBO_TAG_UL:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_DIV:
        case GUMBO_TAG_SECTION:
        case GUMBO_TAG_TABLE:
        case GUMBO_TAG_FORM:
        case GUMBO_TAG_FIGURE:
        case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_HEADER:
        case GUMBO_TAG_FOOTER:
            if (m_commas[idx(i)] >= 10 && density < 0.5) {
                return false;
            }
            if (weight < 0) {
                return true;
            }
            if (n.tag == GUMBO_TAG_TABLE) { // data tables link names and tickers
                return density > 0.65;
            }
            if ((n.tag == GUMBO_TAG_UL || n.tag == GUMBO_TAG_OL) && density > 0.33 &&
                density <= 0.5) {
                // Items of sentences with a link are text; short linked items are menus.
                return static_cast<double>(length) / std::max(1, count_items(i)) < 80;
            }
            return weight >= 25 ? density > 0.5 : density > 0.33;
        case GUMBO_TAG_P:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
            return density > 0.5 && length < 200;
        default:
            return false;
        }
    }

    // Appends the text of subtree `root`.
    void emit(int root, bool is_top, std::string& out) const {
        int pre = 0;
        int cell = 0;
        std::vector<int> closing; // block ends pending, by node end index
        std::vector<int> pre_ends;
        for (int i = root; i < m_nodes[idx(root)].end; ++i) {
            while (!closing.empty() && closing.back() <= i) {
                closing.pop_back();
                out.append("\n\n");
            }
            while (!pre_ends.empty() && pre_ends.back() <= i) {
                pre_ends.pop_back();
                --pre;
            }
            const DomNode& n = m_nodes[idx(i)];
            if (m_dead[idx(i)]) {
                i = n.end - 1;
                continue;
            }
            if (n.is_text) {
                for (const char c : n.text) {
                    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
                    out.push_back(pre == 0 && space ? ' ' : c);
                }
                continue;
            }
            if (i != root || !is_top) {
                if (i != root && drop_inside(i)) {
                    i = n.end - 1;
                    continue;
                }
            }
            if (n.tag == GUMBO_TAG_H1 && !m_title.empty() && m_dom.line_text(i) == m_title) {
                i = n.end - 1;
                continue;
            }
            if (n.tag == GUMBO_TAG_BR) {
                out.push_back('\n');
                continue;
            }
            if (n.tag == GUMBO_TAG_TR) {
                cell = 0;
            }
            if (n.tag == GUMBO_TAG_TD || n.tag == GUMBO_TAG_TH) {
                out.append(cell++ > 0 ? " | " : " ");
            }
            if (is_block(n.tag)) {
                if ((m_chars[idx(i)] < 40 && is_label(i)) ||
                    (m_chars[idx(i)] < 200 && (n.tag == GUMBO_TAG_P || m_paragraph[idx(i)]) &&
                     is_call_to_action(i))) {
                    i = n.end - 1;
                    continue;
                }
                out.append("\n\n");
                closing.push_back(n.end);
                if (n.tag == GUMBO_TAG_LI) {
                    out.append("- ");
                }
            }
            if (n.tag == GUMBO_TAG_PRE) {
                ++pre;
                pre_ends.push_back(n.end);
            }
        }
        while (!closing.empty()) {
            closing.pop_back();
            out.append("\n\n");
        }
    }

    bool is_label(int i) const {
        const std::string text = lower_ascii(m_dom.line_text(i));
        return contains(k_labels, text);
    }

    // Returns whether a short block reads as a call to act rather than as text:
    // "Subscribe to our newsletter", "Follow her on Twitter", "All rights reserved".
    bool is_call_to_action(int i) const {
        const std::string text = lower_ascii(m_dom.line_text(i));
        for (const std::string_view cue : k_cues) {
            if (text.find(cue) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    // Leaves out short blocks repeated verbatim (share bars, repeated headings),
    // keeping the first; paragraphs are never dropped for repeating.
    static std::string dedupe(const std::string& text) {
        std::string out;
        std::unordered_set<std::string> seen;
        std::size_t pos = 0;
        while (pos < text.size()) {
            std::size_t end = text.find("\n\n", pos);
            if (end == std::string::npos) {
                end = text.size();
            }
            const std::string block = normalize_line(std::string_view(text).substr(pos, end - pos));
            const bool sentence = block.ends_with('.') || block.ends_with('?') ||
                                  block.ends_with('!') || block.ends_with('"') ||
                                  block.ends_with("\xE2\x80\x9D");
            if (!block.empty() && (block.size() < 20 || block.size() > 150 || sentence ||
                                   seen.insert(block).second)) {
                out.append(text, pos, end - pos);
                out.append("\n\n");
            } else if (block.empty()) {
                out.append(text, pos, end - pos);
            }
            pos = end + 2;
        }
        return out;
    }

    const Dom& m_dom;
    const std::vector<DomNode>& m_nodes;
    std::string m_title;
    ExtractOptions m_options;
    int m_body = 0;
    std::vector<bool> m_dead;
    std::vector<std::uint32_t> m_chars;
    std::vector<std::uint32_t> m_links;
    std::vector<std::uint32_t> m_commas;
    std::vector<int> m_weight;
    std::vector<double> m_score;
    std::vector<bool> m_scored;
    std::vector<bool> m_paragraph;
    std::vector<int> m_candidates;
};

} // namespace

std::string extract_content(const Dom& dom, std::string_view title, const ExtractOptions& options) {
    return Extractor(dom, title, options).run();
}

} // namespace roundtable::article
