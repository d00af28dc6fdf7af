#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <roundtable/render/common.hpp>

namespace roundtable::render {

std::string group_thousands(std::int64_t value) {
    const std::uint64_t magnitude = value < 0 ? static_cast<std::uint64_t>(-(value + 1)) + 1U
                                              : static_cast<std::uint64_t>(value);
    const std::string digits = std::to_string(magnitude);
    std::string out = value < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

std::string percent(double share) {
    if (!std::isfinite(share)) {
        share = 0.0;
    }
    const double clamped = std::clamp(share, 0.0, 1.0);
    return fmt::format("{:.0f}%", clamped * 100.0);
}

std::string short_hash(std::string_view sha256) {
    return std::string(sha256.substr(0, std::min<std::size_t>(12, sha256.size())));
}

std::string stance_upper(panel::Stance stance) {
    std::string out(panel::stance_name(stance));
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::string consensus_upper(const panel::Consensus& consensus) {
    return consensus.stance ? stance_upper(*consensus.stance) : std::string("SPLIT");
}

std::optional<std::string> initial_vote_label(const panel::Consensus& consensus) {
    const panel::Votes& a = consensus.initial_votes;
    const panel::Votes& b = consensus.votes;
    if (a.total() == 0 ||
        (a.bearish == b.bearish && a.neutral == b.neutral && a.bullish == b.bullish)) {
        return std::nullopt;
    }
    panel::Consensus round1;
    round1.votes = a;
    return round1.vote_label();
}

const panel::SeatStatus* find_seat(const panel::Card& card, std::string_view seat) {
    for (const panel::SeatStatus& status : card.seats) {
        if (status.seat == seat) {
            return &status;
        }
    }
    return nullptr;
}

const panel::Take* find_take(const panel::Card& card, std::string_view seat) {
    for (const panel::Take& take : card.takes) {
        if (take.seat == seat) {
            return &take;
        }
    }
    return nullptr;
}

std::optional<panel::Stance> shifted_from(const panel::Card& card,
                                          const panel::Rebuttal& rebuttal) {
    for (const panel::Shift& shift : card.consensus.shifts) {
        if (shift.seat == rebuttal.seat && shift.from != rebuttal.stance_after) {
            return shift.from;
        }
    }
    const panel::Take* take = find_take(card, rebuttal.seat);
    if (take != nullptr && take->stance != rebuttal.stance_after) {
        return take->stance;
    }
    return std::nullopt;
}

bool shifted_without_evidence(const panel::Card& card, std::string_view seat) {
    for (const panel::Shift& shift : card.consensus.shifts) {
        if (shift.seat == seat) {
            return !shift.new_evidence;
        }
    }
    return false;
}

std::vector<std::string> ungrounded_of(const panel::Card& card, std::string_view seat) {
    std::vector<std::string> out;
    if (const panel::Take* take = find_take(card, seat)) {
        out = take->ungrounded;
    }
    for (const panel::Rebuttal& rebuttal : card.rebuttals) {
        if (rebuttal.seat == seat) {
            out.insert(out.end(), rebuttal.ungrounded.begin(), rebuttal.ungrounded.end());
        }
    }
    return out;
}

std::vector<panel::CheckedClaim> claims_of(const panel::Card& card, std::string_view seat) {
    std::vector<panel::CheckedClaim> out;
    if (const panel::Take* take = find_take(card, seat)) {
        out = take->claims;
    }
    for (const panel::Rebuttal& rebuttal : card.rebuttals) {
        if (rebuttal.seat == seat) {
            out.insert(out.end(), rebuttal.claims.begin(), rebuttal.claims.end());
        }
    }
    return out;
}

std::string match_label(std::string_view match) {
    std::string out(match);
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

std::string ungrounded_summary(std::size_t count, std::size_t checked) {
    std::string prefix =
        checked == 0 ? std::string()
                     : fmt::format("{} claim{} checked, ", checked, checked == 1 ? "" : "s");
    if (count == 0) {
        return prefix + std::string(k_all_grounded);
    }
    return prefix + fmt::format("{} ungrounded claim{}", count, count == 1 ? "" : "s");
}

std::size_t checked_of(const panel::Card& card, std::string_view seat) {
    std::size_t checked = 0;
    if (const panel::Take* take = find_take(card, seat)) {
        checked += take->claims_checked;
    }
    for (const panel::Rebuttal& rebuttal : card.rebuttals) {
        if (rebuttal.seat == seat) {
            checked += rebuttal.claims_checked;
        }
    }
    return checked;
}

std::string usage_line(const panel::Usage& usage) {
    std::string calls = fmt::format("{} call{}", usage.calls, usage.calls == 1 ? "" : "s");
    if (usage.cache_hits > 0) {
        calls += fmt::format(" ({} from cache)", usage.cache_hits);
    }
    const std::string reasoning =
        usage.reasoning_tokens > 0
            ? fmt::format(" (reasoning {})", group_thousands(usage.reasoning_tokens))
            : std::string();
    return fmt::format("{} · tokens in {} / out {}{} / cached {} · cost ${:.4f} · wall {:.1f} s",
                       calls, group_thousands(usage.input_tokens),
                       group_thousands(usage.output_tokens), reasoning,
                       group_thousands(usage.cached_tokens), usage.cost_usd,
                       static_cast<double>(usage.wall_ms) / 1000.0);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0) {
            out += separator;
        }
        out += items[i];
    }
    return out;
}

std::string article_credits(const panel::ArticleMeta& article) {
    std::string line;
    auto add = [&line](std::string_view part) {
        line += line.empty() ? std::string(part) : fmt::format(" · {}", part);
    };
    if (!article.byline.empty()) {
        add(fmt::format("by {}", article.byline));
    }
    if (!article.site.empty()) {
        add(article.site);
    }
    if (!article.published.empty()) {
        add(fmt::format("published {}", article.published));
    }
    return line;
}

std::string injections_summary(const panel::Card& card) {
    const std::size_t n = card.injections.size();
    if (n == 0) {
        return {};
    }
    return fmt::format("article: {} instruction-like {} addressed to the models, shown here, not "
                       "obeyed",
                       n, n == 1 ? "sentence" : "sentences");
}

std::string echo_note(const panel::Injection& injection) {
    return injection.echoed_by.empty()
               ? std::string()
               : fmt::format(" (echoed by {})", join(injection.echoed_by, ", "));
}

} // namespace roundtable::render
