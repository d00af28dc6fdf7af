// Builds a Provider from a seat's configuration (one implementation per
// protocol, each in its own file).
#pragma once

#include <memory>
#include <roundtable/providers/provider.hpp>
#include <roundtable/providers/seat_config.hpp>

namespace roundtable::providers {

// Returns the provider for `seat`; throws Error(Exit::config) for an unknown
// provider name or a missing key.
std::unique_ptr<Provider> make_provider(const SeatConfig& seat);

} // namespace roundtable::providers
