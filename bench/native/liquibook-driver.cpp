// The native peer: the bench's mixed flow through Liquibook's price-time order book
// (https://github.com/enewhuis/liquibook, OrderBook<OrderPtr> from src/book/order_book.h, header
// only, MIT-style licence of Object Computing, Inc.), in memory, one round at a time.
//
// Our code, not Liquibook's: it reads the flow file that bench/native-peer.ts exports (the format
// is bench/native/flow-file.ts's), keeps the id -> order index a caller of Liquibook must keep
// (Liquibook finds an order by its price and then walks that level), and maps our rules onto
// Liquibook's API where it has no equivalent (see the comments at each command).
//
// Build: g++ -O3 -march=native -std=c++17 -I LIQUIBOOK/src liquibook-driver.cpp
// Run:   liquibook-driver FLOW.bin, then one line per request on stdin: "run" applies the whole
//        flow to a fresh book and prints one JSON line (time, counts, final book); "quit" ends.

#include <book/order_book.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <unordered_map>
#include <vector>

namespace lb = liquibook::book;

namespace {

// One command of the flow file, as bench/native/flow-file.ts writes it (little-endian, 40 bytes).
enum Kind : uint8_t { LIMIT = 0, MARKET = 1, CANCEL = 2, MODIFY = 3 };
enum Tif : uint8_t { GTC = 0, IOC = 1, FOK = 2 };
constexpr uint8_t POST_ONLY = 1, HAS_QTY = 2, HAS_PRICE = 4, HAS_PROTECTION = 8;
constexpr size_t RECORD_BYTES = 40;
constexpr uint64_t PPM = 1000000;

struct Command {
  uint8_t kind, side, tif, flags;
  uint32_t protectionPpm;
  uint64_t id, price, qty;
  uint64_t unused;
};

// The order Liquibook holds a pointer to (its OrderBook is a template over the pointer type and
// calls these by name).
struct Order {
  uint64_t id = 0;
  uint64_t price_ = 0;
  uint64_t qty = 0;
  uint64_t open = 0;  // kept from the fill callbacks: a modify needs it to size Liquibook's delta
  bool buy = false;
  bool postOnly = false;

  bool is_buy() const { return buy; }
  lb::Price price() const { return price_; }
  lb::Price stop_price() const { return 0; }
  lb::Quantity order_qty() const { return qty; }
  bool all_or_none() const { return false; }
  bool immediate_or_cancel() const { return false; }
};

struct Counts {
  uint64_t events = 0, fills = 0, volume = 0, rejects = 0;
};

// Liquibook's book with its virtual callbacks overridden: count events, keep `open`, and drop
// filled orders from the caller's index (what a venue's order-state keeper does).
class Book : public lb::OrderBook<Order*> {
 public:
  Book(std::unordered_map<uint64_t, Order*>& index, Counts& counts) : index_(index), counts_(counts) {}

  // A decrease at the same price keeps time priority in our contract; Liquibook's replace always
  // takes the order out and adds it back (priority lost), so this changes the quantity in place.
  // find_on_market is Liquibook's own lookup (the level walk).
  void reduceInPlace(Order* order, uint64_t newOpen) {
    TrackerMap::iterator pos;
    if (!find_on_market(order, pos)) return;
    pos->second.change_qty(static_cast<int64_t>(newOpen) - static_cast<int64_t>(order->open));
    order->open = newOpen;
    ++counts_.events;
  }

  lb::Price bestOpposite(bool buy, bool& present) const {
    const TrackerMap& side = buy ? asks() : bids();
    present = !side.empty();
    return present ? side.begin()->first.price() : 0;
  }

 protected:
  void on_accept(Order* const&, lb::Quantity) override { ++counts_.events; }
  void on_reject(Order* const&, const char*) override { ++counts_.events; }
  void on_cancel(Order* const&, lb::Quantity) override { ++counts_.events; }
  void on_replace(Order* const&, lb::Quantity, lb::Quantity, lb::Price) override { ++counts_.events; }
  void on_fill(Order* const& inbound, Order* const& matched, lb::Quantity qty, lb::Price, bool inboundFilled,
               bool matchedFilled) override {
    ++counts_.events;
    ++counts_.fills;
    counts_.volume += qty;
    inbound->open -= qty;
    matched->open -= qty;
    if (matchedFilled) index_.erase(matched->id);
    if (inboundFilled) index_.erase(inbound->id);
  }

 private:
  std::unordered_map<uint64_t, Order*>& index_;
  Counts& counts_;
};

std::vector<Command> readFlow(const char* path) {
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr) throw std::runtime_error(std::string("cannot open ") + path);
  char magic[8];
  uint64_t count = 0;
  if (std::fread(magic, 1, 8, f) != 8 || std::memcmp(magic, "SLQFLOW1", 8) != 0 || std::fread(&count, 8, 1, f) != 1)
    throw std::runtime_error("not a flow file (SLQFLOW1)");
  std::vector<Command> flow(count);
  static_assert(sizeof(Command) == RECORD_BYTES, "record layout");
  if (std::fread(flow.data(), RECORD_BYTES, count, f) != count) throw std::runtime_error("flow file truncated");
  std::fclose(f);
  return flow;
}

// A market order's bound, as the engine computes it (protectionBound in engine/engine.ts).
uint64_t protectionBound(uint64_t best, bool buy, uint64_t ppm) {
  if (buy) return best * (PPM + ppm) / PPM;
  return ppm >= PPM ? 0 : (best * (PPM - ppm) + PPM - 1) / PPM;
}

bool crosses(const Book& book, bool buy, uint64_t price) {
  bool present = false;
  const lb::Price best = book.bestOpposite(buy, present);
  return present && (buy ? price >= best : price <= best);
}

void runOne(Book& book, std::unordered_map<uint64_t, Order*>& index, Counts& counts, std::vector<Order>& orders,
            const Command& c, size_t i) {
  const bool buy = c.side == 0;
  switch (c.kind) {
    case LIMIT: {
      if (index.count(c.id) != 0) {
        ++counts.rejects;
        return;
      }
      // Post-only: Liquibook has no such condition; refused here as the engine refuses it.
      if ((c.flags & POST_ONLY) != 0 && crosses(book, buy, c.price)) {
        ++counts.rejects;
        return;
      }
      Order* order = &orders[i];
      order->id = c.id;
      order->price_ = c.price;
      order->qty = order->open = c.qty;
      order->buy = buy;
      order->postOnly = (c.flags & POST_ONLY) != 0;
      if (c.tif == GTC) {
        index.emplace(c.id, order);  // before add: the fill callbacks erase it if it fills
        book.add(order);
      } else {
        book.add(order, c.tif == FOK ? lb::oc_fill_or_kill : lb::oc_immediate_or_cancel);
      }
      return;
    }
    case MARKET: {
      // Market protection has no equivalent: the bound becomes the price of an IOC limit order.
      bool present = false;
      const lb::Price best = book.bestOpposite(buy, present);
      if (!present) {
        counts.events += 2;  // accepted, cancelled (no liquidity)
        return;
      }
      Order* order = &orders[i];
      order->id = c.id;
      order->qty = order->open = c.qty;
      order->buy = buy;
      order->price_ = (c.flags & HAS_PROTECTION) != 0 ? protectionBound(best, buy, c.protectionPpm) : lb::MARKET_ORDER_PRICE;
      if (order->price_ == 0) order->price_ = lb::MARKET_ORDER_PRICE;
      book.add(order, lb::oc_immediate_or_cancel);
      return;
    }
    case CANCEL: {
      auto found = index.find(c.id);
      if (found == index.end()) {
        ++counts.rejects;
        return;
      }
      Order* order = found->second;
      index.erase(found);
      book.cancel(order);
      return;
    }
    case MODIFY: {
      auto found = index.find(c.id);
      if (found == index.end()) {
        ++counts.rejects;
        return;
      }
      Order* order = found->second;
      const uint64_t newOpen = (c.flags & HAS_QTY) != 0 ? c.qty : order->open;
      const uint64_t newPrice = (c.flags & HAS_PRICE) != 0 ? c.price : order->price_;
      const bool repriced = newPrice != order->price_;
      if (order->postOnly && repriced && crosses(book, order->buy, newPrice)) {
        ++counts.rejects;
        return;
      }
      if (!repriced && newOpen <= order->open) {
        book.reduceInPlace(order, newOpen);
        return;
      }
      const int64_t delta = static_cast<int64_t>(newOpen) - static_cast<int64_t>(order->open);
      order->open = newOpen;  // Liquibook's tracker holds newOpen after the replace; fills subtract
      book.replace(order, delta, repriced ? newPrice : lb::PRICE_UNCHANGED);
      order->price_ = newPrice;  // after: replace finds the order under its old price
      return;
    }
    default:
      throw std::runtime_error("unknown command kind");
  }
}

struct SideTotals {
  uint64_t orders = 0, qty = 0, levels = 0;
};

SideTotals totals(const Book::TrackerMap& side) {
  SideTotals t;
  lb::Price last = 0;
  for (auto it = side.begin(); it != side.end(); ++it) {
    ++t.orders;
    t.qty += it->second.open_qty();
    if (t.levels == 0 || it->first.price() != last) ++t.levels;
    last = it->first.price();
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: liquibook-driver FLOW.bin (then \"run\" or \"quit\" lines on stdin)\n";
    return 2;
  }
  try {
    const std::vector<Command> flow = readFlow(argv[1]);
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line == "quit") break;
      if (line != "run") {
        std::cerr << "unknown request: " << line << "\n";
        return 2;
      }
      // Untimed: a fresh book, index and order records (as the engine side gets a fresh engine).
      std::vector<Order> orders(flow.size());
      std::unordered_map<uint64_t, Order*> index;
      index.reserve(1 << 16);
      Counts counts;
      Book book(index, counts);
      const auto started = std::chrono::steady_clock::now();
      for (size_t i = 0; i < flow.size(); ++i) runOne(book, index, counts, orders, flow[i], i);
      const auto ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count();
      const SideTotals bids = totals(book.bids());
      const SideTotals asks = totals(book.asks());
      std::printf(
          "{\"ns\":%lld,\"events\":%llu,\"fills\":%llu,\"volume\":%llu,\"rejects\":%llu,\"live\":%zu,"
          "\"bids\":{\"orders\":%llu,\"qty\":%llu,\"levels\":%llu},\"asks\":{\"orders\":%llu,\"qty\":%llu,"
          "\"levels\":%llu}}\n",
          static_cast<long long>(ns), (unsigned long long)counts.events, (unsigned long long)counts.fills,
          (unsigned long long)counts.volume, (unsigned long long)counts.rejects, index.size(),
          (unsigned long long)bids.orders, (unsigned long long)bids.qty, (unsigned long long)bids.levels,
          (unsigned long long)asks.orders, (unsigned long long)asks.qty, (unsigned long long)asks.levels);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::cerr << "liquibook-driver: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
