/** Whether the browser believes it is online: drives the save-status line, never blocks work. */
class ConnectionState {
  online: boolean = $state(navigator.onLine);

  /** Starts listening; returns the function that stops. */
  watch(): () => void {
    const update = (): void => {
      this.online = navigator.onLine;
    };
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    update();
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }
}

export const connectionState = new ConnectionState();
