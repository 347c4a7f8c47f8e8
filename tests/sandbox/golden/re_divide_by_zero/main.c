#include <stdio.h>
int main(void) {
    int a, b;
    if (scanf("%d %d", &a, &b) != 2) return 1;
    volatile int zero = b - b;
    printf("%d\n", a / zero);  /* idiv traps; (1 / x would be folded into a compare by gcc) */
    return 0;
}
