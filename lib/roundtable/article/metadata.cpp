#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <roundtable/article/html.hpp>
#include <roundtable/article/metadata.hpp>
#include <roundtable/article/normalize.hpp>
#include <roundtable/util/json_depth.hpp>

namespace roundtable::article {

namespace {

using nlohmann::json;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && lower(a) == lower(b);
}

std::size_t word_count(std::string_view s) {
    std::size_t n = 0;
    bool in_word = false;
    for (const char c : s) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        n += !space && !in_word ? 1 : 0;
        in_word = !space;
    }
    return n;
}

// Returns a byline without "By " and surrounding whitespace.
std::string clean_byline(std::string_view raw) {
    std::string s = normalize_line(raw);
    for (const std::string_view prefix : {"By ", "by ", "BY ", "Von ", "Par "}) {
        if (s.starts_with(prefix)) {
            s.erase(0, prefix.size());
            break;
        }
    }
    if (s.starts_with("http://") || s.starts_with("https://") || s.size() > 200) {
        return {};
    }
    return s;
}

// Returns the names of a JSON-LD author value: a string, an object with "name", or an
// array of either, joined with ", ".
std::string ld_names(const json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_object()) {
        const auto it = value.find("name");
        return it != value.end() ? ld_names(*it) : std::string();
    }
    std::string out;
    if (value.is_array()) {
        for (const json& item : value) {
            const std::string name = ld_names(item);
            if (!name.empty() && out.find(name) == std::string::npos) {
                out += out.empty() ? name : ", " + name;
            }
        }
    }
    return out;
}

std::string ld_string(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return {};
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    if (it->is_array() && !it->empty() && it->front().is_string()) {
        return it->front().get<std::string>();
    }
    return {};
}

bool is_article_type(const json& object) {
    const auto it = object.find("@type");
    if (it == object.end()) {
        return false;
    }
    auto matches = [](const json& t) {
        if (!t.is_string()) {
            return false;
        }
        const std::string type = t.get<std::string>();
        return type.find("Article") != std::string::npos || type == "BlogPosting" ||
               type == "Report" || type == "LiveBlogPosting" || type == "Posting";
    };
    if (it->is_array()) {
        return std::any_of(it->begin(), it->end(), matches);
    }
    return matches(*it);
}

// Reads JSON-LD article objects (top level, arrays, @graph) into `meta` where it has
// no value yet.
void read_ld(const json& value, PageMeta& meta, int depth = 0) {
    if (depth > 4) {
        return;
    }
    if (value.is_array()) {
        for (const json& item : value) {
            read_ld(item, meta, depth + 1);
        }
        return;
    }
    if (!value.is_object()) {
        return;
    }
    if (const auto graph = value.find("@graph"); graph != value.end()) {
        read_ld(*graph, meta, depth + 1);
    }
    if (!is_article_type(value)) {
        if (const auto it = value.find("@type");
            meta.site.empty() && it != value.end() && it->is_string() &&
            (*it == "WebSite" || *it == "NewsMediaOrganization")) {
            meta.site = normalize_line(ld_string(value, "name"));
        }
        return;
    }
    if (meta.title.empty()) {
        meta.title = normalize_line(ld_string(value, "headline"));
    }
    if (meta.byline.empty()) {
        if (const auto it = value.find("author"); it != value.end()) {
            meta.byline = clean_byline(ld_names(*it));
        }
    }
    if (meta.published.empty()) {
        meta.published = normalize_line(ld_string(value, "datePublished"));
    }
    if (meta.site.empty()) {
        if (const auto it = value.find("publisher"); it != value.end()) {
            meta.site = normalize_line(ld_names(*it));
        }
    }
    const std::string body = ld_string(value, "articleBody");
    if (body.size() > meta.ld_body.size()) {
        meta.ld_body = body;
    }
}

bool has_word(const std::vector<std::string>& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

// Returns whether `text` reads as prose: several sentences of words.
bool is_prose(std::string_view text) {
    if (word_count(text) < 80) {
        return false;
    }
    std::size_t stops = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if ((text[i] == '.' || text[i] == '?' || text[i] == '!') &&
            (text[i + 1] == ' ' || text[i + 1] == '\n')) {
            ++stops;
        }
    }
    return stops >= 3 && text.find("function(") == std::string_view::npos &&
           text.find("{\"") == std::string_view::npos;
}

// Collects prose string values under `value` into `found`, by object.
void collect_prose(const json& value, std::vector<std::string>& found, int depth) {
    if (depth > 40) {
        return;
    }
    if (value.is_string()) {
        const std::string& s = value.get_ref<const std::string&>();
        if (s.size() < 400) {
            return;
        }
        std::string text =
            s.find('<') != std::string::npos && looks_like_html(s) ? html_all_text(s) : s;
        if (is_prose(text)) {
            found.push_back(std::move(text));
        }
        return;
    }
    if (value.is_object() || value.is_array()) {
        for (const json& item : value) {
            collect_prose(item, found, depth + 1);
        }
    }
}

// Returns the JSON value that starts at the first '{' or '[' of `script`, or null.
json first_json(std::string_view script) {
    const std::size_t start = script.find_first_of("{[");
    if (start == std::string_view::npos) {
        return nullptr;
    }
    const auto end = util::balanced_end(script, start);
    if (!end) {
        return nullptr;
    }
    return json::parse(script.substr(start, *end - start), nullptr, false);
}

} // namespace

std::string strip_site_name(std::string_view title, std::string_view site) {
    static constexpr std::array<std::string_view, 8> k_separators{
        " | ",  " - ",        " \xE2\x80\x93 ", " \xE2\x80\x94 ",
        " :: ", " \xC2\xB7 ", " \xC2\xBB ",     " / "};
    std::string out(title);
    for (int round = 0; round < 2; ++round) {
        std::size_t best = std::string::npos;
        std::string_view sep;
        for (const std::string_view s : k_separators) {
            const std::size_t at = out.rfind(s);
            if (at != std::string::npos && at > 0 && (best == std::string::npos || at > best)) {
                best = at;
                sep = s;
            }
        }
        if (best == std::string::npos) {
            break;
        }
        const std::string head = out.substr(0, best);
        const std::string tail = out.substr(best + sep.size());
        if (!site.empty() && iequals(tail, site)) {
            out = head;
            continue;
        }
        if (!site.empty() && iequals(head, site)) {
            out = tail;
            continue;
        }
        // Site first ("MarketWire | Rates rise") is left alone unless named.
        if (word_count(tail) <= 4 && word_count(head) >= 3 && word_count(head) > word_count(tail)) {
            out = head;
            continue;
        }
        break;
    }
    return out;
}

PageMeta read_metadata(const Dom& dom) {
    PageMeta meta;
    std::string og_title;
    std::string og_site;
    std::string meta_byline;
    std::string meta_date;
    std::string app_name;
    const auto& nodes = dom.nodes();
    for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
        const DomNode& n = nodes[static_cast<std::size_t>(i)];
        if (n.is_text || n.tag != GUMBO_TAG_META) {
            continue;
        }
        std::string key = lower(dom.attr(i, "property"));
        if (key.empty()) {
            key = lower(dom.attr(i, "name"));
        }
        if (key.empty()) {
            key = lower(dom.attr(i, "itemprop"));
        }
        const std::string_view content = dom.attr(i, "content");
        if (key.empty() || content.empty()) {
            continue;
        }
        if ((key == "og:title" || key == "twitter:title") && og_title.empty()) {
            og_title = normalize_line(content);
        } else if (key == "og:site_name" && og_site.empty()) {
            og_site = normalize_line(content);
        } else if (key == "application-name" && app_name.empty()) {
            app_name = normalize_line(content);
        } else if ((key == "author" || key == "article:author" || key == "byl" ||
                    key == "dc.creator" || key == "parsely-author" || key == "sailthru.author") &&
                   meta_byline.empty()) {
            meta_byline = clean_byline(content);
        } else if ((key == "article:published_time" || key == "datepublished" ||
                    key == "og:published_time" || key == "publish-date" || key == "pubdate" ||
                    key == "publishdate" || key == "dc.date" || key == "dc.date.issued" ||
                    key == "date" || key == "parsely-pub-date" || key == "sailthru.date") &&
                   meta_date.empty()) {
            meta_date = normalize_line(content);
        }
    }
    PageMeta ld;
    for (const Dom::Script& script : dom.scripts()) {
        if (script.type == "application/ld+json") {
            read_ld(json::parse(script.text, nullptr, false), ld);
        }
    }
    meta.ld_body = std::move(ld.ld_body);
    meta.site = !og_site.empty() ? og_site : !ld.site.empty() ? ld.site : app_name;
    meta.byline = !meta_byline.empty() ? meta_byline : ld.byline;
    meta.published = !meta_date.empty() ? meta_date : ld.published;

    // The page's own markup: the first <h1>, a byline element, a <time>.
    std::string h1;
    for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
        const DomNode& n = nodes[static_cast<std::size_t>(i)];
        if (n.is_text || n.in_noscript) {
            continue;
        }
        if (n.tag == GUMBO_TAG_H1 && h1.empty() && n.chars > 0) {
            h1 = dom.line_text(i);
        }
        if (meta.byline.empty() && n.chars > 0 && n.chars < 80) {
            const std::vector<std::string> words = dom.hint_words(i);
            if (has_word(words, "byline") || has_word(words, "author") ||
                dom.attr(i, "rel") == "author" || dom.attr(i, "itemprop") == "author") {
                meta.byline = clean_byline(dom.line_text(i));
            }
        }
        if (meta.published.empty() && n.tag == GUMBO_TAG_TIME) {
            meta.published = normalize_line(dom.attr(i, "datetime"));
        }
    }

    std::string page_title = normalize_line(dom.title());
    std::string title = !og_title.empty()     ? og_title
                        : !ld.title.empty()   ? ld.title
                        : !page_title.empty() ? page_title
                                              : h1;
    // A headline in <h1> that the longer titles only decorate is the title itself.
    if (!h1.empty() && word_count(h1) >= 2 && title != h1 &&
        lower(title).find(lower(h1)) != std::string::npos && !iequals(h1, meta.site)) {
        title = h1;
    }
    std::string_view site = meta.site;
    meta.title = strip_site_name(title, site);
    return meta;
}

std::string script_body(const Dom& dom) {
    std::string best;
    for (const Dom::Script& script : dom.scripts()) {
        if (script.text.size() < 400 || script.type == "application/ld+json" ||
            (!script.type.empty() && script.type.find("json") == std::string::npos &&
             script.type.find("javascript") == std::string::npos)) {
            continue;
        }
        const json value = first_json(script.text);
        if (value.is_discarded() || value.is_null()) {
            continue;
        }
        std::vector<std::string> found;
        collect_prose(value, found, 0);
        std::string joined;
        for (const std::string& text : found) {
            if (joined.find(text) == std::string::npos) {
                joined += joined.empty() ? text : "\n\n" + text;
            }
        }
        if (joined.size() > best.size()) {
            best = std::move(joined);
        }
    }
    return best;
}

} // namespace roundtable::article
