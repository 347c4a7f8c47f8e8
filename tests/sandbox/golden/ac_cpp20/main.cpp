#include <bits/stdc++.h>
static_assert(__cplusplus >= 202002L, "compiled as C++20");
int main() {
    std::vector<long long> v(2);
    for (auto& x : v) std::cin >> x;
    auto cmp = v[0] <=> v[1];  // C++20 three-way comparison
    (void)cmp;
    std::ranges::sort(v);  // C++20 ranges
    std::cout << v[0] + v[1] << "\n";
}
