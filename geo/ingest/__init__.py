"""Reading layer files and validating every row before anything is stored."""
