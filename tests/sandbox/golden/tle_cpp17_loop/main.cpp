#include <bits/stdc++.h>
int main() { volatile unsigned long long x = 0; for (;;) x++; }
