// 2^k distinct instantiations: exponential compile time and memory
template <int N, unsigned long long M> struct Bomb {
    static constexpr unsigned long long v = Bomb<N - 1, 2 * M>::v + Bomb<N - 1, 2 * M + 1>::v;
};
template <unsigned long long M> struct Bomb<0, M> { static constexpr unsigned long long v = M; };
int main() { return (int)(Bomb<60, 1>::v & 1); }
