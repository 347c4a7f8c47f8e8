#include <bits/stdc++.h>
// Non-tail recursion with a real frame: depth 10^6 needs ~100 MB of stack (Codeforces gives 256 MB).
int depth(int n, volatile char* prev) {
    volatile char frame[64];
    frame[0] = (char)(prev ? prev[0] + 1 : 0);
    if (n == 0) return frame[0] & 1;
    return depth(n - 1, frame) + 1;
}
int main() { int n; std::cin >> n; std::cout << depth(n, nullptr) << "\n"; }
