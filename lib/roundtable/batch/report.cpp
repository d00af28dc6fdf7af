#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <numeric>
#include <roundtable/batch/report.hpp>
#include <roundtable/render/render.hpp>

namespace roundtable::batch {

namespace {

std::string escape(std::string_view s) {
    return render::html_escape(s);
}

std::string between(const std::string& text, std::string_view open, std::string_view close) {
    auto a = text.find(open);
    if (a == std::string::npos) {
        return {};
    }
    a = text.find('>', a);
    if (a == std::string::npos) {
        return {};
    }
    auto b = text.rfind(close);
    if (b == std::string::npos || b < a) {
        return {};
    }
    return text.substr(a + 1, b - a - 1);
}

int stance_value(const std::string& s) {
    return s == "bullish" ? 1 : s == "bearish" ? -1 : 0;
}

constexpr const char* k_page_tail = "</body>\n</html>\n";

const char* k_page_style = R"(
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
th{background:#f3f3f3}td.num{text-align:right}.bearish{color:#b00020}.bullish{color:#1b7f1b}
section.full{border-top:2px solid #888;margin-top:2rem;padding-top:1rem}
)";

} // namespace

ReportBuilder::~ReportBuilder() {
    if (m_sections) {
        std::fclose(m_sections);
    }
}

void ReportBuilder::add_card(const std::string& id, const panel::Card& card) {
    const ArticleFacts af = article_facts(id, card);
    render::RenderOptions ro;
    ro.format = render::Format::html;
    std::string html = render::render(card, ro);
    std::string body = between(html, "<body", "</body>");

    const std::lock_guard lock(m_mutex);
    if (m_style.empty()) {
        m_style = between(html, "<style", "</style>");
    }
    for (const auto& [seat, stance] : af.seat_stances) {
        if (std::find(m_seats.begin(), m_seats.end(), seat) == m_seats.end()) {
            m_seats.push_back(seat);
        }
    }
    std::size_t index = m_articles.size();
    m_articles.push_back(std::move(af));
    if (!m_sections) {
        m_sections = std::tmpfile();
    }
    if (m_sections) {
        std::string section =
            fmt::format("<section class=\"full\" id=\"card-{}\">\n<h2>{}</h2>\n{}\n<p><a "
                        "href=\"#cards\">back to the table</a></p>\n</section>\n",
                        index + 1, escape(id), body);
        std::fwrite(section.data(), 1, section.size(), m_sections);
    }
}

void ReportBuilder::add_sections(std::string html, std::string style) {
    const std::lock_guard lock(m_mutex);
    m_extra_html += html;
    m_extra_style += style;
}

std::string ReportBuilder::head_locked(const BatchTotals& totals) const {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<title>roundtable batch report</title>\n";
    out += fmt::format("<style>{}{}{}</style>\n</head>\n<body>\n", k_page_style, m_style,
                       m_extra_style);
    out += "<h1>roundtable batch report</h1>\n";

    // Summary.
    out += "<h2 id=\"summary\">Summary</h2>\n<table class=\"summary\">\n";
    auto row = [&](std::string_view k, const std::string& v) {
        out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", k, escape(v));
    };
    row("cards", fmt::format("{}", totals.cards));
    row("failed", fmt::format("{}", totals.failed));
    std::string reasons;
    for (const auto& [reason, n] : totals.failures) {
        reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", reason, n);
    }
    row("failures by reason", reasons.empty() ? "none" : reasons);
    row("calls", fmt::format("{} ({} from cache)", totals.calls, totals.cache_hits));
    row("tokens", fmt::format("{} in / {} out", totals.input_tokens, totals.output_tokens));
    row("cost", fmt::format("${:.4f}", totals.cost_usd));
    row("wall time", fmt::format("{:.1f} s", static_cast<double>(totals.wall_ms) / 1000.0));
    out += "</table>\n";

    // Stance distribution: one bar per stance.
    out += "<h2 id=\"stances\">Stance distribution</h2>\n";
    const std::vector<std::pair<std::string, std::string>> bars{{"bearish", "#b00020"},
                                                                {"neutral", "#777777"},
                                                                {"bullish", "#1b7f1b"},
                                                                {"split", "#c98a00"}};
    std::size_t most = 1;
    for (const auto& [name, colour] : bars) {
        most = std::max(most, totals.stances.contains(name) ? totals.stances.at(name) : 0);
    }
    out += "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"480\" height=\"160\" "
           "role=\"img\" "
           "aria-label=\"stance distribution\">\n";
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const auto& [name, colour] = bars[i];
        std::size_t n = totals.stances.contains(name) ? totals.stances.at(name) : 0;
        double w = 340.0 * static_cast<double>(n) / static_cast<double>(most);
        double y = 10.0 + static_cast<double>(i) * 36.0;
        out +=
            fmt::format("<text x=\"0\" y=\"{:.0f}\" font-size=\"14\">{}</text>"
                        "<rect x=\"80\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"24\" fill=\"{}\"/>"
                        "<text x=\"{:.1f}\" y=\"{:.0f}\" font-size=\"14\">{}</text>\n",
                        y + 17, name, y, w, colour, 86 + w, y + 17, n);
    }
    out += "</svg>\n";

    // Seat x seat agreement: share of cards where both seats answered and ended on the same stance.
    out += "<h2 id=\"agreement\">Seat agreement</h2>\n<table class=\"matrix\">\n<tr><th></th>";
    for (const auto& s : m_seats) {
        out += fmt::format("<th>{}</th>", escape(s));
    }
    out += "</tr>\n";
    auto stance_of = [](const ArticleFacts& a, const std::string& seat) -> std::string {
        for (const auto& [name, stance] : a.seat_stances) {
            if (name == seat) {
                return stance;
            }
        }
        return {};
    };
    for (const auto& a : m_seats) {
        out += fmt::format("<tr><th>{}</th>", escape(a));
        for (const auto& b : m_seats) {
            std::size_t both = 0, same = 0;
            for (const auto& art : m_articles) {
                auto sa = stance_of(art, a), sb = stance_of(art, b);
                if (!sa.empty() && !sb.empty()) {
                    ++both;
                    same += sa == sb ? 1 : 0;
                }
            }
            out += both == 0
                       ? std::string("<td class=\"num\">-</td>")
                       : fmt::format("<td class=\"num\">{:.0f}%</td>",
                                     100.0 * static_cast<double>(same) / static_cast<double>(both));
        }
        out += "</tr>\n";
    }
    out += "</table>\n";

    // Each seat's lean against the panel.
    out += "<h2 id=\"lean\">Seat lean against the panel</h2>\n<table "
           "class=\"lean\">\n<tr><th>seat</th><th>with "
           "the panel</th><th>more bullish</th><th>more bearish</th><th>mean lean</th></tr>\n";
    for (const auto& seat : m_seats) {
        std::size_t with = 0, up = 0, down = 0, n = 0;
        int sum = 0;
        for (const auto& art : m_articles) {
            auto s = stance_of(art, seat);
            if (s.empty() || art.facts.stance == "split") {
                continue;
            }
            int d = stance_value(s) - stance_value(art.facts.stance);
            ++n;
            sum += d;
            (d == 0 ? with : d > 0 ? up : down) += 1;
        }
        out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
                           "class=\"num\">{}</td><td class=\"num\">{:+.2f}</td></tr>\n",
                           escape(seat), with, up, down,
                           n == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(n));
    }
    out += "</table>\n";

    // Top ungrounded.
    std::vector<std::size_t> order(m_articles.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return m_articles[x].facts.ungrounded > m_articles[y].facts.ungrounded;
    });
    out += "<h2 id=\"ungrounded\">Most ungrounded claims</h2>\n<ol class=\"ungrounded\">\n";
    std::size_t listed = 0;
    for (std::size_t i : order) {
        if (listed == 10 || m_articles[i].facts.ungrounded == 0) {
            break;
        }
        out += fmt::format("<li><a href=\"#card-{}\">{}</a>: {} claims</li>\n", i + 1,
                           escape(m_articles[i].id), m_articles[i].facts.ungrounded);
        ++listed;
    }
    out += listed == 0 ? "<li>none: every claim was found in its article</li>\n</ol>\n" : "</ol>\n";

    out += m_extra_html;

    // Cards table.
    out += "<h2 id=\"cards\">Cards</h2>\n<table "
           "class=\"cards\">\n<tr><th>id</th><th>title</th><th>stance</th>"
           "<th>vote</th><th>agreement</th><th>ungrounded</th><th>failed "
           "seats</th><th>cost</th></tr>\n";
    for (std::size_t i = 0; i < m_articles.size(); ++i) {
        const auto& a = m_articles[i];
        out += fmt::format(
            "<tr><td><a href=\"#card-{}\">{}</a></td><td>{}</td><td class=\"{}\">{}</td><td>{}</td>"
            "<td class=\"num\">{:.2f}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">${:.4f}</td></tr>\n",
            i + 1, escape(a.id), escape(a.title), a.facts.stance, a.facts.stance, escape(a.vote),
            a.facts.agreement, a.facts.ungrounded, a.facts.failed_seats, a.cost_usd);
    }
    out += "</table>\n";

    return out;
}

void ReportBuilder::copy_sections_locked(
    const std::function<void(const char*, std::size_t)>& sink) {
    if (!m_sections) {
        return;
    }
    std::fflush(m_sections);
    std::rewind(m_sections);
    char buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, m_sections)) > 0) {
        sink(buf, n);
    }
    std::fseek(m_sections, 0, SEEK_END);
}

std::string ReportBuilder::page(const BatchTotals& totals) {
    const std::lock_guard lock(m_mutex);
    std::string out = head_locked(totals);
    copy_sections_locked([&](const char* data, std::size_t n) { out.append(data, n); });
    out += k_page_tail;
    return out;
}

std::expected<void, std::string> ReportBuilder::write(const std::string& path,
                                                      const BatchTotals& totals) {
    const std::lock_guard lock(m_mutex);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
        if (!file) {
            return std::unexpected(fmt::format("{}: cannot be written", path));
        }
        file << head_locked(totals);
        copy_sections_locked([&](const char* data, std::size_t n) {
            file.write(data, static_cast<std::streamsize>(n));
        });
        file << k_page_tail;
        file.close();
        if (!file) {
            std::remove(tmp.c_str());
            return std::unexpected(fmt::format("{}: cannot be written", path));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return std::unexpected(fmt::format("{}: cannot be written", path));
    }
    return {};
}

} // namespace roundtable::batch
