#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <libxml/HTMLparser.h>
#include <optional>
#include <roundtable/article/dom.hpp>
#include <roundtable/article/normalize.hpp>

namespace roundtable::article {

namespace {

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Returns the tag of an element name, reading "prefix:name" by its local name.
GumboTag tag_of(std::string_view name) {
    if (const std::size_t colon = name.rfind(':'); colon != std::string_view::npos) {
        name.remove_prefix(colon + 1);
    }
    if (name.empty()) {
        return GUMBO_TAG_UNKNOWN;
    }
    return gumbo_tagn_enum(name.data(), static_cast<unsigned int>(name.size()));
}

// Returns the tag of a gumbo element, unknown names (prefixed ones) by local name.
GumboTag gumbo_local_tag(const GumboNode* node) {
    const GumboElement& element = node->v.element;
    if (element.tag != GUMBO_TAG_UNKNOWN || element.original_tag.data == nullptr) {
        return element.tag;
    }
    std::string_view name(element.original_tag.data, element.original_tag.length);
    if (name.starts_with('<')) {
        name.remove_prefix(1);
    }
    std::size_t end = 0;
    while (end < name.size() && !is_space(name[end]) && name[end] != '>' && name[end] != '/') {
        ++end;
    }
    return tag_of(name.substr(0, end));
}

// Elements whose content is never readable text.
bool is_dropped(GumboTag tag) noexcept {
    switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_MAP:
        return true;
    default:
        return false;
    }
}

// libxml2, loaded on first use (see dom.hpp); nullptr when it cannot be.
struct XmlApi {
    htmlDocPtr (*read_memory)(const char*, int, const char*, const char*, int) = nullptr;
    void (*free_doc)(xmlDocPtr) = nullptr;
};

const XmlApi* load_libxml2() {
    const char* name = std::getenv("ROUNDTABLE_LIBXML2");
    void* library = dlopen(name != nullptr && *name ? name : "libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        return nullptr;
    }
    auto* init = reinterpret_cast<void (*)()>(dlsym(library, "xmlInitParser"));
    static XmlApi api;
    api.read_memory =
        reinterpret_cast<htmlDocPtr (*)(const char*, int, const char*, const char*, int)>(
            dlsym(library, "htmlReadMemory"));
    api.free_doc = reinterpret_cast<void (*)(xmlDocPtr)>(dlsym(library, "xmlFreeDoc"));
    if (init == nullptr || api.read_memory == nullptr || api.free_doc == nullptr) {
        return nullptr;
    }
    init(); // once, before any thread parses
    return &api;
}

const XmlApi* libxml2() {
    static const XmlApi* const api = load_libxml2(); // thread-safe static initialization
    return api;
}

std::string_view xml_string(const xmlChar* s) {
    return s != nullptr ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

} // namespace

struct Dom::Parsed {
    GumboOptions options = kGumboDefaultOptions;
    GumboOutput* gumbo = nullptr;
    xmlDocPtr xml = nullptr;
};

// Appends nodes in document order, keeping the open elements to close subtrees.
class Dom::Builder {
public:
    explicit Builder(Dom& dom) : m_dom(dom) {}

    struct Frame {
        int parent;
        bool in_link;
        bool in_noscript;
    };

    void close_to(int parent) {
        while (!m_open.empty() && m_open.back() != parent) {
            m_dom.m_nodes[static_cast<std::size_t>(m_open.back())].end =
                static_cast<int>(m_dom.m_nodes.size());
            m_open.pop_back();
        }
    }

    void text(std::string_view value, const Frame& frame) {
        close_to(frame.parent);
        DomNode node;
        node.text = value;
        node.parent = frame.parent;
        node.end = static_cast<int>(m_dom.m_nodes.size()) + 1;
        node.is_text = true;
        node.in_link = frame.in_link;
        node.in_noscript = frame.in_noscript;
        for (const char c : value) {
            node.chars += is_space(c) ? 0 : 1;
            node.commas += c == ',' ? 1 : 0;
        }
        node.link_chars = frame.in_link ? node.chars : 0;
        node.noscript_chars = frame.in_noscript ? node.chars : 0;
        m_dom.m_nodes.push_back(node);
    }

    // Records an element whose attributes were pushed since `attr_begin`; returns the
    // frame for its children, or nullopt when its content is skipped. `content` is the
    // text of its first child, for <title> and <script>.
    std::optional<Frame> element(GumboTag tag, std::size_t attr_begin, std::string_view content,
                                 const Frame& frame) {
        close_to(frame.parent);
        auto& attrs = m_dom.m_attrs;
        auto find = [&](std::string_view name) -> std::string_view {
            for (std::size_t a = attr_begin; a < attrs.size(); ++a) {
                if (attrs[a].first == name) {
                    return attrs[a].second;
                }
            }
            return {};
        };
        if (tag == GUMBO_TAG_TITLE && m_dom.m_title.empty()) {
            m_dom.m_title = std::string(content);
        }
        if (tag == GUMBO_TAG_SCRIPT && !content.empty()) {
            Script script;
            script.type = std::string(find("type"));
            for (char& c : script.type) {
                c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
            }
            script.id = std::string(find("id"));
            script.text = content;
            m_dom.m_scripts.push_back(std::move(script));
        }
        if (tag == GUMBO_TAG_INPUT && find("type") == "password") {
            m_dom.m_password = true;
        }
        if (is_dropped(tag)) {
            attrs.resize(attr_begin);
            return std::nullopt;
        }
        DomNode node;
        node.parent = frame.parent;
        node.tag = tag;
        node.in_link = frame.in_link;
        node.in_noscript = frame.in_noscript;
        node.attr_begin = static_cast<int>(attr_begin);
        node.attr_end = static_cast<int>(attrs.size());
        const int index = static_cast<int>(m_dom.m_nodes.size());
        m_dom.m_nodes.push_back(node);
        m_open.push_back(index);
        return Frame{index, frame.in_link || (tag == GUMBO_TAG_A && find("href").data() != nullptr),
                     frame.in_noscript || tag == GUMBO_TAG_NOSCRIPT};
    }

    void finish() {
        close_to(-1);
        auto& nodes = m_dom.m_nodes;
        // Sum the text counts bottom-up: a child always comes after its parent.
        for (std::size_t i = nodes.size(); i > 1; --i) {
            const DomNode& child = nodes[i - 1];
            if (child.parent < 0) {
                continue;
            }
            DomNode& parent = nodes[static_cast<std::size_t>(child.parent)];
            if (parent.tag == GUMBO_TAG_HEAD) {
                continue;
            }
            parent.chars += child.chars;
            parent.link_chars += child.link_chars;
            parent.commas += child.commas;
            parent.noscript_chars += child.noscript_chars;
        }
    }

private:
    Dom& m_dom;
    std::vector<int> m_open;
};

namespace {

void build_from_gumbo(const GumboNode* root, Dom::Builder& builder,
                      std::vector<std::pair<std::string_view, std::string_view>>& attrs) {
    struct Item {
        const GumboNode* node;
        Dom::Builder::Frame frame;
    };
    std::vector<Item> stack{{root, {-1, false, false}}};
    while (!stack.empty()) {
        const Item item = stack.back();
        stack.pop_back();
        const GumboNode* node = item.node;
        if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
            node->type == GUMBO_NODE_CDATA) {
            builder.text(node->v.text.text, item.frame);
            continue;
        }
        if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) {
            continue;
        }
        const GumboTag tag = gumbo_local_tag(node);
        const std::size_t begin = attrs.size();
        const GumboVector& attributes = node->v.element.attributes;
        for (unsigned int a = 0; a < attributes.length; ++a) {
            const auto* attribute = static_cast<const GumboAttribute*>(attributes.data[a]);
            attrs.emplace_back(attribute->name, attribute->value);
        }
        const GumboVector& children = node->v.element.children;
        std::string_view content;
        if (children.length > 0) {
            const auto* first = static_cast<const GumboNode*>(children.data[0]);
            if (first->type == GUMBO_NODE_TEXT || first->type == GUMBO_NODE_WHITESPACE ||
                first->type == GUMBO_NODE_CDATA) {
                content = first->v.text.text;
            }
        }
        const auto frame = builder.element(tag, begin, content, item.frame);
        if (!frame) {
            continue;
        }
        for (unsigned int i = children.length; i > 0; --i) {
            const auto* child = static_cast<const GumboNode*>(children.data[i - 1]);
            if (tag == GUMBO_TAG_HEAD && child->type != GUMBO_NODE_ELEMENT) {
                continue;
            }
            stack.push_back({child, *frame});
        }
    }
}

void build_from_libxml2(xmlDocPtr doc, Dom::Builder& builder,
                        std::vector<std::pair<std::string_view, std::string_view>>& attrs) {
    struct Item {
        const xmlNode* node;
        Dom::Builder::Frame frame;
    };
    std::vector<Item> stack;
    std::vector<const xmlNode*> children;
    for (const xmlNode* n = doc->children; n != nullptr; n = n->next) {
        children.push_back(n);
    }
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
        stack.push_back({*it, {-1, false, false}});
    }
    while (!stack.empty()) {
        const Item item = stack.back();
        stack.pop_back();
        const xmlNode* node = item.node;
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            builder.text(xml_string(node->content), item.frame);
            continue;
        }
        if (node->type != XML_ELEMENT_NODE) {
            continue;
        }
        const GumboTag tag = tag_of(xml_string(node->name));
        const std::size_t begin = attrs.size();
        for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
            std::string_view value = "";
            if (a->children != nullptr && a->children->content != nullptr) {
                value = xml_string(a->children->content);
            }
            attrs.emplace_back(xml_string(a->name), value);
        }
        std::string_view content;
        if (node->children != nullptr && (node->children->type == XML_TEXT_NODE ||
                                          node->children->type == XML_CDATA_SECTION_NODE)) {
            content = xml_string(node->children->content);
        }
        const auto frame = builder.element(tag, begin, content, item.frame);
        if (!frame) {
            continue;
        }
        children.clear();
        for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
            if (tag == GUMBO_TAG_HEAD && child->type != XML_ELEMENT_NODE) {
                continue;
            }
            children.push_back(child);
        }
        for (auto it = children.rbegin(); it != children.rend(); ++it) {
            stack.push_back({*it, *frame});
        }
    }
}

} // namespace

Dom::Dom(std::string_view html, Parser parser) : m_parsed(std::make_unique<Parsed>()) {
    m_nodes.reserve(html.size() / 64 + 16);
    Builder builder(*this);
    const XmlApi* xml = parser == Parser::automatic ? libxml2() : nullptr;
    if (xml != nullptr && html.size() < static_cast<std::size_t>(1) << 30) {
        const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                            HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC |
                            XML_PARSE_HUGE;
        m_parsed->xml =
            xml->read_memory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", options);
        if (m_parsed->xml != nullptr) {
            build_from_libxml2(m_parsed->xml, builder, m_attrs);
            builder.finish();
            return;
        }
    }
    m_parsed->options.max_errors = 0; // parse errors are never read
    m_parsed->gumbo = gumbo_parse_with_options(&m_parsed->options, html.data(), html.size());
    if (m_parsed->gumbo != nullptr && m_parsed->gumbo->root != nullptr) {
        build_from_gumbo(m_parsed->gumbo->root, builder, m_attrs);
    }
    builder.finish();
}

Dom::~Dom() {
    if (m_parsed->gumbo != nullptr) {
        gumbo_destroy_output(&m_parsed->options, m_parsed->gumbo);
    }
    if (m_parsed->xml != nullptr) {
        libxml2()->free_doc(m_parsed->xml);
    }
}

bool Dom::parsed_by_libxml2() const noexcept {
    return m_parsed->xml != nullptr;
}

std::string_view Dom::attr(int i, const char* name) const {
    const DomNode& n = m_nodes[static_cast<std::size_t>(i)];
    for (int a = n.attr_begin; a < n.attr_end; ++a) {
        if (m_attrs[static_cast<std::size_t>(a)].first == name) {
            return m_attrs[static_cast<std::size_t>(a)].second;
        }
    }
    return {};
}

std::vector<std::string> Dom::hint_words(int i) const {
    std::vector<std::string> words;
    for (const char* name : {"class", "id"}) {
        const std::string_view value = attr(i, name);
        const std::size_t before = words.size();
        std::string word;
        char previous = 0;
        for (const char c : value) {
            const bool lower = c >= 'a' && c <= 'z';
            const bool upper = c >= 'A' && c <= 'Z';
            const bool digit = c >= '0' && c <= '9';
            if (upper && previous >= 'a' && previous <= 'z' && !word.empty()) {
                words.push_back(std::move(word)); // camelCase boundary
                word.clear();
            }
            if (lower || digit) {
                word.push_back(c);
            } else if (upper) {
                word.push_back(static_cast<char>(c - 'A' + 'a'));
            } else if (!word.empty()) {
                words.push_back(std::move(word));
                word.clear();
            }
            previous = c;
        }
        if (!word.empty()) {
            words.push_back(std::move(word));
        }
        // An id of four or more words is an anchor made from a heading
        // ("sharing-with-a-single-developer", "related-work-and-sources"), not a hint.
        if (std::string_view(name) == "id" && words.size() - before >= 4) {
            words.resize(before);
        }
    }
    return words;
}

std::string Dom::line_text(int i) const {
    std::string text;
    const DomNode& n = m_nodes[static_cast<std::size_t>(i)];
    for (int j = i; j < n.end; ++j) {
        const DomNode& d = m_nodes[static_cast<std::size_t>(j)];
        if (d.is_text) {
            text.append(d.text);
        } else if (d.tag == GUMBO_TAG_BR || d.tag == GUMBO_TAG_P || d.tag == GUMBO_TAG_DIV ||
                   d.tag == GUMBO_TAG_LI) {
            text.push_back(' ');
        }
    }
    return normalize_line(text);
}

} // namespace roundtable::article
