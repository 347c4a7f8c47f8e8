// testlib calling convention: checker input output answer; exit 0 OK, 1 WA, 2 PE, 3 FAIL
#include <bits/stdc++.h>
static bool integer(const std::string& s, long long& v) {
    if (s.empty() || s.size() > 18) return false;
    for (size_t i = (s[0] == '-'); i < s.size(); i++) if (!isdigit((unsigned char)s[i])) return false;
    if (s == "-") return false;
    v = std::stoll(s);
    return true;
}
int main(int argc, char** argv) {
    if (argc < 4) return 3;
    std::ifstream in(argv[1]), out(argv[2]), ans(argv[3]);
    long long n;
    if (!(in >> n)) { fprintf(stderr, "bad input\n"); return 3; }
    std::vector<std::string> toks;
    for (std::string t; out >> t;) toks.push_back(t);
    long long a, b;
    if (toks.size() != 2 || !integer(toks[0], a) || !integer(toks[1], b)) {
        fprintf(stderr, "expected two integers, found %zu tokens\n", toks.size());
        return 2;
    }
    if (a < 1 || b < 1 || a + b != n) { fprintf(stderr, "%lld + %lld != %lld\n", a, b, n); return 1; }
    fprintf(stderr, "ok %lld = %lld + %lld\n", n, a, b);
    return 0;
}
