// Work over many independent files, spread across the machine's cores.
#pragma once

#include <cstddef>
#include <functional>

namespace incident {

// Calls fn(i) for every i in [0, n) on up to one thread per core (at most
// eight); returns when all are done and rethrows the first exception.
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn);

}  // namespace incident
