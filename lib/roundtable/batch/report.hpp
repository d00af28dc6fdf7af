// The HTML report of corpus mode (--report FILE.html): one standalone page, no
// network, with the run's summary, the stance distribution as an inline SVG
// chart, how often each pair of seats ended on the same stance, each seat's
// lean against the panel, the articles with the most ungrounded claims, a table
// of cards and every card rendered in full in an anchored section.
//
// ReportBuilder keeps only small facts per article in memory; each card's
// rendered HTML is appended to an unnamed temporary file as it arrives and
// streamed into the page at the end. Thread-safe: add_card() may be called from
// several threads at once.
#pragma once

#include <cstdio>
#include <expected>
#include <functional>
#include <mutex>
#include <roundtable/batch/runner.hpp>
#include <roundtable/panel/card.hpp>
#include <string>
#include <vector>

namespace roundtable::batch {

class ReportBuilder {
public:
    // Makes an empty report; the temporary file is created on the first card.
    ReportBuilder() = default;
    ReportBuilder(const ReportBuilder&) = delete;
    ReportBuilder& operator=(const ReportBuilder&) = delete;
    // Closes (and so removes) the temporary file; never fails.
    ~ReportBuilder();

    // Adds the card of article `id`; a temporary file problem drops the card's full
    // rendering (its table row stays); never fails.
    void add_card(const std::string& id, const panel::Card& card);

    // Adds `html` (whole sections, e.g. the score against outcomes) and the CSS they
    // need to the page, after the summaries and before the table of cards; never fails.
    void add_sections(std::string html, std::string style);

    // Writes the page to `path` (streamed to a temporary file beside it, then renamed);
    // returns "<path>: cannot be written" if it cannot.
    std::expected<void, std::string> write(const std::string& path, const BatchTotals& totals);

    // Returns the page as text (what write() writes); never fails.
    std::string page(const BatchTotals& totals);

private:
    std::string head_locked(const BatchTotals& totals) const;
    void copy_sections_locked(const std::function<void(const char*, std::size_t)>& sink);

    std::mutex m_mutex;
    std::vector<ArticleFacts> m_articles; // in finishing order; index = anchor number
    std::vector<std::string> m_seats;     // seat names, first seen order
    std::FILE* m_sections = nullptr;
    std::string m_style;       // the card page's <style> body, from the first card
    std::string m_extra_html;  // add_sections()
    std::string m_extra_style; // add_sections()
};

} // namespace roundtable::batch
