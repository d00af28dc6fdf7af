// The Provider adapter over the offline analysts (offline/analysts.hpp): a seat
// whose model is a lens ("bull", "bear", "skeptic" or "quant") answers each
// request from the article in its prompt, with no network. complete() is
// thread-safe and deterministic (same request, same bytes).
#pragma once

#include <memory>
#include <roundtable/offline/analysts.hpp>
#include <roundtable/providers/provider.hpp>
#include <roundtable/providers/seat_config.hpp>
#include <string>

namespace roundtable::providers {

using offline::Lens;

class OfflineProvider : public Provider {
public:
    // Makes the analyst of `lens`; `seat_name` is its name on the panel.
    OfflineProvider(std::string seat_name, Lens lens);

    std::string_view kind() const override { return "offline"; }
    const std::string& model() const override { return m_model; }

    // Answers `request` from the article in its user text; returns a Failure of
    // type "bad_prompt" when the article or panel markers are missing or the
    // panel data is not JSON.
    std::expected<Reply, Failure> complete(const Request& request) override;

    // Returns a one-line description of the lens, the round and the prompt sizes.
    std::string describe_request(const Request& request) const override;

private:
    std::string m_seat_name;
    Lens m_lens;
    std::string m_model; // "offline-<lens>"
};

// Returns the analyst for `seat` (seat.model is the lens); throws
// Error(Exit::config) for an unknown lens.
std::unique_ptr<Provider> make_offline_provider(const SeatConfig& seat);

} // namespace roundtable::providers
