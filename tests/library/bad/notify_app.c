/* Calls lib_notify of needs_app.c, whose app_callback only this file
 * defines: memory 3's code cannot see it. */
void lib_notify(int x);
void app_callback(int x) { (void)x; }
int main(void) {
  lib_notify(1);
  return 0;
}
