#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
/* Every connection attempt must fail: the sandbox has no network. */
static const char* try_connect(const char* ip, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return "blocked";
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    int r = connect(fd, (struct sockaddr*)&a, sizeof a);
    close(fd);
    return r == 0 ? "CONNECTED" : "blocked";
}
int main(void) {
    printf("%s\n", try_connect("8.8.8.8", 53));
    printf("%s\n", try_connect("1.1.1.1", 443));
    printf("%s\n", try_connect("172.17.0.1", 2375));  /* the Docker host bridge */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    inet_pton(AF_INET, "8.8.8.8", &a.sin_addr);
    printf("%s\n", u >= 0 && sendto(u, "x", 1, 0, (struct sockaddr*)&a, sizeof a) == 1 ? "SENT" : "blocked");
    return 0;
}
