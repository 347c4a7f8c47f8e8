#include <math.h>
#include <stdio.h>
_Static_assert(__STDC_VERSION__ == 201112L, "compiled as C11");
int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    volatile double r = a + b;  /* libm must be linked */
    printf("%lld\n", (long long)floor(sqrt(r * r) + 0.5));
    return 0;
}
