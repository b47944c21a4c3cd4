/* Calls a function that only the application defines: code in a library
 * memory links against its own memory's inputs and C library. */
void app_callback(int);
void lib_notify(int x) { app_callback(x * 2); }
