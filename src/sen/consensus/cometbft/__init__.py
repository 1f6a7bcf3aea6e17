"""Running the Sen application under CometBFT: the RPC client and the engine adapter."""
