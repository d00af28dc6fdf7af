#include <algorithm>
#include <array>
#include <cstring>
#include <fmt/format.h>
#include <gumbo.h>
#include <roundtable/article/html.hpp>
#include <roundtable/article/normalize.hpp>
#include <vector>

namespace roundtable::article {

namespace {

constexpr std::size_t k_sniff_bytes = 8 * 1024;

char ascii_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_ascii_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Counts occurrences of the tag "<name" followed by '>', '/' or whitespace in `lower`.
std::size_t count_tag(std::string_view lower, std::string_view name, std::size_t limit) {
    std::size_t count = 0;
    std::size_t pos = 0;
    while (count < limit && (pos = lower.find('<', pos)) != std::string_view::npos) {
        ++pos;
        if (lower.substr(pos).starts_with(name)) {
            const std::size_t after = pos + name.size();
            if (after < lower.size() &&
                (lower[after] == '>' || lower[after] == '/' || is_ascii_space(lower[after]))) {
                ++count;
            }
        }
    }
    return count;
}

bool has_tag(std::string_view lower, std::string_view name) {
    return count_tag(lower, name, 1) > 0;
}

// RAII owner of a gumbo parse tree.
class GumboTree {
public:
    explicit GumboTree(std::string_view html) {
        GumboOptions options = kGumboDefaultOptions;
        options.max_errors = 0; // we never read parse errors; do not collect them
        m_options = options;
        m_output = gumbo_parse_with_options(&m_options, html.data(), html.size());
    }
    GumboTree(const GumboTree&) = delete;
    GumboTree& operator=(const GumboTree&) = delete;
    ~GumboTree() {
        if (m_output != nullptr) {
            gumbo_destroy_output(&m_options, m_output);
        }
    }
    const GumboNode* root() const noexcept {
        return m_output != nullptr ? m_output->root : nullptr;
    }

private:
    GumboOptions m_options{};
    GumboOutput* m_output = nullptr;
};

bool is_element(const GumboNode* node) noexcept {
    return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

bool is_skipped(const GumboNode* node) {
    if (node->type == GUMBO_NODE_TEMPLATE) {
        return true;
    }
    if (node->type != GUMBO_NODE_ELEMENT) {
        return false;
    }
    switch (node->v.element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
        return true;
    default:
        break;
    }
    const GumboVector* attributes = &node->v.element.attributes;
    if (gumbo_get_attribute(attributes, "hidden") != nullptr) {
        return true;
    }
    const GumboAttribute* aria = gumbo_get_attribute(attributes, "aria-hidden");
    return aria != nullptr && std::strcmp(aria->value, "true") == 0;
}

bool is_block(GumboTag tag) noexcept {
    switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_BODY:
        return true;
    default:
        return false;
    }
}

// Appends the readable text under `root`. Iterative, so deep nesting cannot
// overflow the stack.
void append_text(const GumboNode* root, std::string& out) {
    struct Frame {
        const GumboNode* node;
        bool exit;
    };
    std::vector<Frame> stack{{root, false}};
    int pre_depth = 0;
    while (!stack.empty()) {
        const Frame frame = stack.back();
        stack.pop_back();
        const GumboNode* node = frame.node;
        switch (node->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_CDATA:
        case GUMBO_NODE_WHITESPACE: {
            const char* text = node->v.text.text;
            for (std::size_t i = 0; text[i] != '\0'; ++i) {
                const char c = text[i];
                out.push_back(pre_depth == 0 && is_ascii_space(c) ? ' ' : c);
            }
            break;
        }
        case GUMBO_NODE_DOCUMENT:
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
            if (node->type != GUMBO_NODE_DOCUMENT && frame.node != root && is_skipped(node)) {
                break;
            }
            const GumboTag tag =
                node->type == GUMBO_NODE_DOCUMENT ? GUMBO_TAG_UNKNOWN : node->v.element.tag;
            if (frame.exit) {
                if (tag == GUMBO_TAG_PRE) {
                    --pre_depth;
                }
                out.append("\n\n");
                break;
            }
            if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) {
                out.push_back(' ');
            }
            const bool block = is_block(tag);
            if (block) {
                out.append("\n\n");
                stack.push_back({node, true});
            }
            if (tag == GUMBO_TAG_PRE) {
                ++pre_depth;
            }
            const GumboVector& children = node->type == GUMBO_NODE_DOCUMENT
                                              ? node->v.document.children
                                              : node->v.element.children;
            for (unsigned int i = children.length; i > 0; --i) {
                stack.push_back({static_cast<const GumboNode*>(children.data[i - 1]), false});
            }
            break;
        }
        case GUMBO_NODE_COMMENT:
            break;
        }
    }
}

// Calls `visit` on each element in document order, not descending into skipped
// elements or, when `visit` returns false, into the element itself.
template <typename Visit>
void for_each_element(const GumboNode* root, bool enter_skipped, Visit visit) {
    std::vector<const GumboNode*> stack{root};
    while (!stack.empty()) {
        const GumboNode* node = stack.back();
        stack.pop_back();
        const GumboVector* children = nullptr;
        if (node->type == GUMBO_NODE_DOCUMENT) {
            children = &node->v.document.children;
        } else if (is_element(node)) {
            if (!enter_skipped && is_skipped(node)) {
                continue;
            }
            if (!visit(node)) {
                continue;
            }
            children = &node->v.element.children;
        } else {
            continue;
        }
        for (unsigned int i = children->length; i > 0; --i) {
            stack.push_back(static_cast<const GumboNode*>(children->data[i - 1]));
        }
    }
}

const GumboNode* find_first(const GumboNode* root, GumboTag tag, bool enter_skipped) {
    const GumboNode* found = nullptr;
    for_each_element(root, enter_skipped, [&](const GumboNode* node) {
        if (found == nullptr && node->v.element.tag == tag) {
            found = node;
        }
        return found == nullptr;
    });
    return found;
}

// Returns the inner text of `node` (script and style excluded) on one line.
std::string inner_line(const GumboNode* node) {
    std::string text;
    append_text(node, text);
    return normalize_line(text);
}

std::size_t visible_size(std::string_view text) {
    std::size_t size = 0;
    for (const char c : text) {
        size += is_ascii_space(c) ? 0 : 1;
    }
    return size;
}

} // namespace

std::size_t html_depth(std::string_view html, std::size_t stop_at) {
    static constexpr std::array<std::string_view, 31> k_no_nesting{
        // void elements
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "keygen",
        // elements whose end tag is implied by a sibling
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
        "rb", "rt", "rp", "colgroup"};
    static constexpr std::array<std::string_view, 9> k_raw_text{"script",  "style",    "textarea",
                                                                "title",   "xmp",      "iframe",
                                                                "noembed", "noframes", "plaintext"};
    std::size_t depth = 0;
    std::size_t deepest = 0;
    std::string name;
    std::size_t pos = 0;
    while (deepest < stop_at && (pos = html.find('<', pos)) != std::string_view::npos) {
        ++pos;
        if (html.substr(pos).starts_with("!--")) {
            const std::size_t end = html.find("-->", pos + 3);
            pos = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        const bool closing = pos < html.size() && html[pos] == '/';
        std::size_t name_start = closing ? pos + 1 : pos;
        std::size_t name_end = name_start;
        while (name_end < html.size() &&
               ((html[name_end] >= 'a' && html[name_end] <= 'z') ||
                (html[name_end] >= 'A' && html[name_end] <= 'Z') ||
                (name_end > name_start && ((html[name_end] >= '0' && html[name_end] <= '9') ||
                                           html[name_end] == '-' || html[name_end] == ':')))) {
            ++name_end;
        }
        if (name_end == name_start) {
            continue; // "<!doctype", "<?xml", "a < b": not an element
        }
        name.assign(html.substr(name_start, name_end - name_start));
        for (char& c : name) {
            c = ascii_lower(c);
        }
        const std::size_t tag_end = html.find('>', name_end);
        if (tag_end == std::string_view::npos) {
            break;
        }
        pos = tag_end + 1;
        const bool nests =
            std::find(k_no_nesting.begin(), k_no_nesting.end(), name) == k_no_nesting.end();
        if (closing) {
            if (nests && depth > 0) {
                --depth;
            }
            continue;
        }
        if (std::find(k_raw_text.begin(), k_raw_text.end(), name) != k_raw_text.end()) {
            // Skip the element's body, which may contain anything that looks like tags.
            std::size_t search = pos;
            std::size_t end = std::string_view::npos;
            while ((end = html.find("</", search)) != std::string_view::npos) {
                std::size_t i = 0;
                while (i < name.size() && end + 2 + i < html.size() &&
                       ascii_lower(html[end + 2 + i]) == name[i]) {
                    ++i;
                }
                if (i == name.size()) {
                    break;
                }
                search = end + 2;
            }
            pos = end == std::string_view::npos ? html.size() : end;
            continue;
        }
        if (!nests || html[tag_end - 1] == '/') {
            continue;
        }
        ++depth;
        deepest = std::max(deepest, depth);
    }
    return deepest;
}

bool looks_like_html(std::string_view text) {
    const std::size_t start = text.find_first_not_of(" \t\n\r\f\v");
    if (start == std::string_view::npos) {
        return false;
    }
    const std::string_view head = text.substr(start, k_sniff_bytes);
    std::string lower(head.size(), '\0');
    for (std::size_t i = 0; i < head.size(); ++i) {
        lower[i] = ascii_lower(head[i]);
    }
    if (lower.starts_with("<!doctype html") || lower.starts_with("<html")) {
        return true;
    }
    if (lower.starts_with("<?xml") && has_tag(lower, "html")) {
        return true;
    }
    if (lower.starts_with('<')) {
        static constexpr std::array<std::string_view, 15> k_structure{
            "head",    "body", "title", "meta", "p",  "div",   "article", "main",
            "section", "h1",   "h2",    "br",   "ul", "table", "span"};
        for (const std::string_view tag : k_structure) {
            if (has_tag(lower, tag)) {
                return true;
            }
        }
        return false;
    }
    return has_tag(lower, "head") || has_tag(lower, "body") || count_tag(lower, "p", 3) >= 3;
}

std::expected<HtmlText, std::string> html_to_text(std::string_view html) {
    if (html_depth(html) > k_max_html_depth) {
        return std::unexpected(
            fmt::format("HTML nests too deeply (over {} levels)", k_max_html_depth));
    }
    HtmlText result;
    const GumboTree tree(html);
    const GumboNode* root = tree.root();
    if (root == nullptr) {
        return result;
    }

    if (const GumboNode* title = find_first(root, GUMBO_TAG_TITLE, true); title != nullptr) {
        std::string text;
        const GumboVector& children = title->v.element.children;
        for (unsigned int i = 0; i < children.length; ++i) {
            const auto* child = static_cast<const GumboNode*>(children.data[i]);
            if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) {
                text.append(child->v.text.text);
            }
        }
        result.title = normalize_line(text);
    }
    if (result.title.empty()) {
        if (const GumboNode* h1 = find_first(root, GUMBO_TAG_H1, true); h1 != nullptr) {
            result.title = inner_line(h1);
        }
    }

    // Prefer the largest top-level <article>, then <main>, then <body>.
    std::vector<const GumboNode*> articles;
    for_each_element(root, false, [&](const GumboNode* node) {
        if (node->v.element.tag == GUMBO_TAG_ARTICLE) {
            articles.push_back(node);
            return false;
        }
        return true;
    });
    std::size_t best_size = 0;
    for (const GumboNode* article : articles) {
        std::string text;
        append_text(article, text);
        const std::size_t size = visible_size(text);
        if (size > best_size) {
            best_size = size;
            result.text = std::move(text);
        }
    }
    if (best_size == 0) {
        const GumboNode* content = find_first(root, GUMBO_TAG_MAIN, false);
        if (content == nullptr) {
            content = find_first(root, GUMBO_TAG_BODY, false);
        }
        result.text.clear();
        append_text(content != nullptr ? content : root, result.text);
    }
    return result;
}

} // namespace roundtable::article
