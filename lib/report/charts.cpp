#include "report/charts.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "report/table.hpp"

namespace incident {

std::string fixed(double v, int decimals) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    return std::string(buf, r.ptr);
}

std::string human(const std::optional<double>& secs) {
    return secs ? format_duration(Seconds{static_cast<long long>(std::llround(*secs))}) : "-";
}
namespace {

const char* priority_colour(const std::string& p, const std::vector<std::string>& scale) {
    static const char* palette[] = {"#c0392b", "#e67e22", "#f1c40f", "#3498db", "#95a5a6", "#7f8c8d"};
    int k = Config::rank(scale, p);
    if (k < 0) return "#d5d8dc";
    return palette[std::min<std::size_t>(static_cast<std::size_t>(k), 5)];
}

std::string svg_open(int w, int h, const std::string& label) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(h) +
           "\" width=\"100%\" role=\"img\" aria-label=\"" + html_escape(label) + "\">\n";
}

std::string text_at(double x, double y, const std::string& s, const char* anchor = "middle", const char* cls = "lbl") {
    return "<text x=\"" + fixed(x, 1) + "\" y=\"" + fixed(y, 1) + "\" text-anchor=\"" + anchor + "\" class=\"" + cls +
           "\">" + html_escape(s) + "</text>\n";
}

std::string rect(double x, double y, double w, double h, const std::string& fill, const std::string& title) {
    return "<rect x=\"" + fixed(x, 1) + "\" y=\"" + fixed(y, 1) + "\" width=\"" + fixed(std::max(w, 0.0), 1) +
           "\" height=\"" + fixed(std::max(h, 0.0), 1) + "\" fill=\"" + fill + "\"><title>" + html_escape(title) +
           "</title></rect>\n";
}

// A round upper bound for an axis: 1, 2, 5 times a power of ten.
double nice_max(double v) {
    if (v <= 0) return 1;
    double p = std::pow(10, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (v <= m * p) return m * p;
    return 10 * p;
}

std::string short_week(const std::string& w) { return w.size() > 5 ? w.substr(5) : w; }

// Every k-th week is labelled, so that at most about 16 labels share the axis.
bool labelled(std::size_t i, std::size_t weeks) { return i % ((weeks + 15) / 16) == 0; }

}  // namespace

std::string chart_weekly(const Report& r) {
    const int W = 720, H = 260, L = 40, B = 40, T = 16;
    double plot_w = W - L - 10, plot_h = H - B - T;
    int peak = 0;
    for (const auto& w : r.weeks) peak = std::max(peak, w.incidents);
    // Whole numbers on every one of the four grid lines.
    double top = std::max(4.0, std::ceil(nice_max(peak) / 4) * 4);
    std::string s = svg_open(W, H, "Incidents per week by priority");
    for (int i = 0; i <= 4; ++i) {
        double v = top * i / 4, y = T + plot_h - plot_h * i / 4;
        s += "<line x1=\"" + std::to_string(L) + "\" x2=\"" + std::to_string(W - 10) + "\" y1=\"" + fixed(y, 1) +
             "\" y2=\"" + fixed(y, 1) + "\" class=\"grid\"/>\n";
        s += text_at(L - 6, y + 4, fixed(v, 0), "end");
    }
    std::size_t n = std::max<std::size_t>(r.weeks.size(), 1);
    double slot = plot_w / static_cast<double>(n), bar = slot * 0.7;
    std::vector<std::string> order = r.priorities;
    order.push_back("none");
    for (std::size_t i = 0; i < r.weeks.size(); ++i) {
        const auto& w = r.weeks[i];
        double x = L + slot * static_cast<double>(i) + (slot - bar) / 2, y = T + plot_h;
        for (const auto& p : order) {
            auto it = w.by_priority.find(p);
            if (it == w.by_priority.end()) continue;
            double h = plot_h * it->second / top;
            y -= h;
            s += rect(x, y, bar, h, priority_colour(p, r.priorities),
                      w.week + " " + p + ": " + std::to_string(it->second));
        }
        if (labelled(i, n)) s += text_at(x + bar / 2, H - B + 16, short_week(w.week));
    }
    double lx = L;
    for (const auto& p : order) {
        s += rect(lx, H - 14, 10, 10, priority_colour(p, r.priorities), p);
        s += text_at(lx + 14, H - 5, p, "start");
        lx += 56;
    }
    return s + "</svg>\n";
}

std::string chart_mttr(const Report& r) {
    const int W = 720, H = 240, L = 48, B = 30, T = 16;
    double plot_w = W - L - 10, plot_h = H - B - T;
    double peak = 0;
    for (const auto& w : r.weeks)
        if (w.mttr.p90) peak = std::max(peak, *w.mttr.p90 / 3600);
    double top = nice_max(peak);
    std::string s = svg_open(W, H, "MTTR per week, hours (median and p90)");
    for (int i = 0; i <= 4; ++i) {
        double v = top * i / 4, y = T + plot_h - plot_h * i / 4;
        s += "<line x1=\"" + std::to_string(L) + "\" x2=\"" + std::to_string(W - 10) + "\" y1=\"" + fixed(y, 1) +
             "\" y2=\"" + fixed(y, 1) + "\" class=\"grid\"/>\n";
        s += text_at(L - 6, y + 4, fixed(v, v == std::floor(v) ? 0 : 1) + "h", "end");
    }
    std::size_t n = std::max<std::size_t>(r.weeks.size(), 1);
    double slot = plot_w / static_cast<double>(n);
    auto line = [&](auto pick, const char* cls, const char* name) {
        std::string pts, dots;
        for (std::size_t i = 0; i < r.weeks.size(); ++i) {
            auto v = pick(r.weeks[i].mttr);
            if (!v) continue;
            double x = L + slot * (static_cast<double>(i) + 0.5), y = T + plot_h - plot_h * (*v / 3600) / top;
            pts += fixed(x, 1) + "," + fixed(y, 1) + " ";
            dots += "<circle cx=\"" + fixed(x, 1) + "\" cy=\"" + fixed(y, 1) + "\" r=\"3\" class=\"" + cls +
                    "\"><title>" + r.weeks[i].week + " " + name + ": " + human(v) + "</title></circle>\n";
        }
        if (!pts.empty()) s += "<polyline points=\"" + pts + "\" class=\"" + cls + "\" fill=\"none\"/>\n" + dots;
    };
    line([](const Stat& st) { return st.p90; }, "p90", "p90");
    line([](const Stat& st) { return st.median; }, "median", "median");
    for (std::size_t i = 0; i < r.weeks.size(); ++i)
        if (labelled(i, n))
            s += text_at(L + slot * (static_cast<double>(i) + 0.5), H - 10, short_week(r.weeks[i].week));
    s += text_at(W - 150, T + 4, "— median", "start", "median-key");
    s += text_at(W - 80, T + 4, "— p90", "start", "p90-key");
    return s + "</svg>\n";
}

std::string chart_sla(const Report& r) {
    const int W = 720, L = 150, row = 34, T = 10;
    int H = T + row * static_cast<int>(std::max<std::size_t>(r.sla_by_service.size(), 1)) + 48;
    double plot_w = W - L - 60;
    std::string s = svg_open(W, H, "SLA compliance by service, percent");
    for (int i = 0; i <= 4; ++i) {
        double x = L + plot_w * i / 4;
        s += "<line x1=\"" + fixed(x, 1) + "\" x2=\"" + fixed(x, 1) + "\" y1=\"" + std::to_string(T) + "\" y2=\"" +
             std::to_string(H - 42) + "\" class=\"grid\"/>\n";
        s += text_at(x, H - 28, std::to_string(i * 25) + "%");
    }
    s += rect(L, H - 14, 10, 10, "#2e86c1", "respond") + text_at(L + 14, H - 5, "respond", "start");
    s += rect(L + 90, H - 14, 10, 10, "#28b463", "resolve") + text_at(L + 104, H - 5, "resolve", "start");
    if (r.sla_by_service.empty()) s += text_at(W / 2.0, T + 20, "no SLA clocks have finished in this period");
    for (std::size_t i = 0; i < r.sla_by_service.size(); ++i) {
        const auto& sc = r.sla_by_service[i];
        double y = T + row * static_cast<double>(i);
        s += text_at(L - 8, y + 20, sc.service, "end");
        int k = 0;
        for (const auto* c : {&sc.respond, &sc.resolve}) {
            auto pct = c->percent();
            const char* name = k == 0 ? "respond" : "resolve";
            double by = y + 4 + k * 13;
            if (pct) {
                s += rect(L, by, plot_w * *pct / 100, 11, k == 0 ? "#2e86c1" : "#28b463",
                          sc.service + " " + name + ": " + fixed(*pct, 1) + "% (" + std::to_string(c->met) + " met, " +
                              std::to_string(c->missed) + " missed)");
                s += text_at(L + plot_w * *pct / 100 + 4, by + 10, fixed(*pct, 0) + "%", "start", "small");
            } else {
                s += text_at(L + 4, by + 10, name + std::string(": no finished clocks"), "start", "small");
            }
            ++k;
        }
    }
    return s + "</svg>\n";
}

}  // namespace incident
